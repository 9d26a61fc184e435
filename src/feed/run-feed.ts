import { randomUUID } from 'node:crypto';
import { tokenProvider, type Config } from '../config/env.js';
import type { Logger } from '../log/logger.js';
import type { FeedMode } from '../normalise/feed.js';
import { createRedis } from '../queue/redis.js';
import { createRateBudget } from '../rate-budget/from-config.js';
import { startFeedSimulator, type RunningFeedSimulator } from '../simulator/feed-server.js';
import { QuestDbHttp } from '../stores/questdb/questdb-http.js';
import { QuestDbRowWriter } from '../stores/questdb/row-writer.js';
import { SenderPool } from '../stores/questdb/sender-pool.js';
import { authorizedRedirectUri, feedApi } from '../upstox/feed.js';
import type { RequestGate } from '../upstox/http.js';
import { UpstoxHttp } from '../upstox/http.js';
import { FeedConsumer, type FeedConsumerStats } from './consumer.js';
import { assertFeedTables, questDbFeedSink } from './questdb-sink.js';
import { checkSubscription } from './subscription.js';

// Wires the feed consumer for the `feed` command: the authorize call behind the account's
// shared rate budget, the QuestDB writer, and optionally a feed simulator on loopback.

export interface RunFeedOptions {
  readonly instrumentKeys: readonly string[];
  readonly mode: FeedMode;
  readonly flushTicks: number;
  readonly flushIntervalMs: number;
  /** Streams from a feed simulator started on loopback, with a token of its own, instead of Upstox. */
  readonly simulator: boolean;
}

/** A started feed: stop it to write the waiting ticks and close every connection. */
export interface RunningFeed {
  /** Resolves when the consumer has stopped and every connection is closed; rejects on a permanent error. */
  readonly done: Promise<FeedConsumerStats>;
  stop(): Promise<void>;
}

// The time the ILP client allows one flush, its own retries included; the consumer retries a
// failed batch on top of them. One write contains at most ten times --flush-ticks rows (5000 by
// default, a few megabytes of ILP).
const SENDER_RETRY_TIMEOUT_MS = 5_000;

/** Starts the feed consumer with the configured stores; throws at once on bad keys or missing tables. */
export async function startFeed(config: Config, options: RunFeedOptions, log: Logger): Promise<RunningFeed> {
  const keys = checkSubscription(options.instrumentKeys, options.mode);
  const questdb = new QuestDbHttp(config.questdb);
  await assertFeedTables(questdb, config.questdb.tablePrefix);

  let simulator: RunningFeedSimulator | undefined;
  let token: () => string;
  let baseUrl = config.upstox.baseUrl;
  let gate: RequestGate | undefined;
  let closeGate = (): void => undefined;
  if (options.simulator) {
    const simulatorToken = randomUUID();
    simulator = await startFeedSimulator({ tokens: { [simulatorToken]: config.upstox.account } });
    token = () => simulatorToken;
    baseUrl = simulator.url;
    log.info({ url: simulator.url }, 'streaming from the feed simulator on loopback');
  } else {
    token = tokenProvider(config);
    const redis = createRedis(config.redis.url, 'upstox-ingest feed');
    const budget = createRateBudget(config, redis);
    gate = { acquire: (api) => budget.take(api, 'live') };
    closeGate = () => redis.disconnect();
  }

  const http = new UpstoxHttp({ baseUrl, token, requestTimeoutMs: config.upstox.requestTimeoutMs });
  const api = feedApi(http, gate);
  const senders = new SenderPool({ ...config.questdb, retryTimeoutMs: SENDER_RETRY_TIMEOUT_MS });
  const writer = new QuestDbRowWriter({ http: questdb, senders, tablePrefix: config.questdb.tablePrefix });
  const consumer = new FeedConsumer({
    instrumentKeys: keys,
    mode: options.mode,
    authorize: async () => authorizedRedirectUri((await api.marketDataFeedAuthorize()).data),
    sink: questDbFeedSink(writer),
    log,
    flushTicks: options.flushTicks,
    flushIntervalMs: options.flushIntervalMs,
  });

  const done = consumer.run().finally(async () => {
    await http.close();
    await senders.close();
    closeGate();
    await simulator?.close();
  });
  return { done: done.then(() => consumer.stats()), stop: () => consumer.stop() };
}
