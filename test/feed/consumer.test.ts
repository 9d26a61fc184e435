import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedConsumer, type FeedConsumerOptions } from '../../src/feed/consumer.js';
import { questDbFeedSink } from '../../src/feed/questdb-sink.js';
import { FeedState, normaliseFeedFrame, type FeedStatusRow, type FeedTickRow } from '../../src/normalise/feed.js';
import { startFeedSimulator, type RunningFeedSimulator } from '../../src/simulator/feed-server.js';
import { QuestDbRowWriter } from '../../src/stores/questdb/row-writer.js';
import { FEED_TICKS_TABLE } from '../../src/stores/questdb/feed-table.js';
import { SenderPool } from '../../src/stores/questdb/sender-pool.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { UpstoxAuthError } from '../../src/upstox/errors.js';
import { authorizedRedirectUri, feedApi } from '../../src/upstox/feed.js';
import { UpstoxHttp } from '../../src/upstox/http.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { captureLogger } from './log-capture.js';
import { QuestDbRelay } from './questdb-relay.js';
import { recordedFrames } from './samples.js';

// Feed simulator → consumer → QuestDB. The stored rows must be exactly what the normaliser
// makes of the frames the simulator sent. A dropped connection must lead to a fresh
// authorization (a new code) and a second connection. The token must never reach the log.

const TOKEN = 'feed-consumer-secret-token';
const NIFTY = 'NSE_INDEX|Nifty 50';
const BANK = 'NSE_INDEX|Nifty Bank';
const RELIANCE = 'NSE_EQ|INE002A01018';
const OPTION = 'NSE_FO|54911';
const KEYS = [NIFTY, BANK, RELIANCE, OPTION];

let ctx: TestContext;
let senders: SenderPool;
let writer: QuestDbRowWriter;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  senders = new SenderPool({ httpUrl: ctx.config.questdb.httpUrl });
  writer = new QuestDbRowWriter({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await senders?.close();
  await ctx?.cleanup();
});

async function simulator(liveFramesPerConnection: number): Promise<{ sim: RunningFeedSimulator; authorize: (token?: string) => () => Promise<string> }> {
  // Ticks 50 ms apart leave time for both subscribe requests before the first live frame.
  const sim = await startFeedSimulator({ tokens: { [TOKEN]: 'main' }, tickIntervalMs: 50, liveFramesPerConnection });
  cleanups.push(() => sim.close());
  const authorize = (token = TOKEN) => {
    const http = new UpstoxHttp({ baseUrl: sim.url, token, requestTimeoutMs: 5_000 });
    cleanups.push(() => http.close());
    const api = feedApi(http);
    return async () => authorizedRedirectUri((await api.marketDataFeedAuthorize()).data);
  };
  return { sim, authorize };
}

function consumerOptions(overrides: Partial<FeedConsumerOptions> & Pick<FeedConsumerOptions, 'authorize' | 'log'>): FeedConsumerOptions {
  return {
    instrumentKeys: KEYS,
    mode: 'full',
    sink: questDbFeedSink(writer),
    flushTicks: 4,
    flushIntervalMs: 50,
    subscribeBatch: 3,
    reconnectDelayMs: { initial: 20, max: 100 },
    pingIntervalMs: 1_000,
    ...overrides,
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function query(table: string, sql: string): Promise<Record<string, unknown>[]> {
  const name = `${ctx.config.questdb.tablePrefix}${table}`;
  await waitForWalApplied(ctx.questdb, name);
  const result = await ctx.questdb.exec(sql.replaceAll('{table}', name));
  return result.dataset.map((values) => Object.fromEntries(result.columns.map((column, i) => [column.name, values[i]])));
}

const ms = (value: unknown) => Date.parse(String(value));

// A stored feed_ticks row in the normaliser's shape.
function tickOf(row: Record<string, unknown>): FeedTickRow {
  return {
    tsMs: ms(row.ts),
    receivedMs: ms(row.received_ts),
    instrumentKey: String(row.instrument_key),
    mode: String(row.mode),
    frameType: row.frame_type as FeedTickRow['frameType'],
    ltp: row.ltp as number | null,
    ltq: row.ltq as number | null,
    cp: row.cp as number | null,
    bidPrice: row.bid_price as number | null,
    bidQty: row.bid_qty as number | null,
    askPrice: row.ask_price as number | null,
    askQty: row.ask_qty as number | null,
    volume: row.volume as number | null,
    oi: row.oi as number | null,
    iv: row.iv as number | null,
    totalBuyQty: row.total_buy_qty as number | null,
    totalSellQty: row.total_sell_qty as number | null,
    atp: row.atp as number | null,
    dayOpen: row.day_open as number | null,
    dayHigh: row.day_high as number | null,
    dayLow: row.day_low as number | null,
    dayClose: row.day_close as number | null,
    dayVolume: row.day_volume as number | null,
    delta: row.delta as number | null,
    theta: row.theta as number | null,
    gamma: row.gamma as number | null,
    vega: row.vega as number | null,
    rho: row.rho as number | null,
  };
}

const byKeyAndTime = (a: FeedTickRow, b: FeedTickRow) =>
  a.instrumentKey.localeCompare(b.instrumentKey) || a.tsMs - b.tsMs || a.receivedMs - b.receivedMs;

describe('feed consumer', () => {
  // Connection 1: market_info, the three recorded frames (NIFTY 50 and NIFTY BANK), two
  // snapshots (one per subscribe request), five live frames. Connection 2: market_info, two
  // snapshots, five live frames.
  const FIRST = 1 + 3 + 2 + 5;
  const SECOND = 1 + 2 + 5;
  let sim: RunningFeedSimulator;
  let consumer: FeedConsumer;
  let capture: ReturnType<typeof captureLogger>;

  beforeAll(async () => {
    const started = await simulator(5);
    sim = started.sim;
    capture = captureLogger();
    consumer = new FeedConsumer(consumerOptions({ authorize: started.authorize(), log: capture.log }));
    const run = consumer.run();
    await until(() => consumer.stats().frames === FIRST, `${FIRST} frames on the first connection`);
    sim.dropConnections();
    await until(() => consumer.stats().frames === FIRST + SECOND, `${SECOND} frames on the second connection`);
    await consumer.stop();
    await run;
  });

  it('stores the frames sent', async () => {
    const state = new FeedState();
    const expected = sim.sentFrames().flatMap(({ frame }) => normaliseFeedFrame(frame, state, 0).ticks);
    const stored = (await query('feed_ticks', 'SELECT * FROM {table}')).map(tickOf);
    expect(stored.length).toBe(expected.length);
    expect(stored.sort(byKeyAndTime)).toEqual([...expected].sort(byKeyAndTime));
  });

  it('stores the rows of each key', async () => {
    const counts = await query('feed_ticks', 'SELECT instrument_key, count() n FROM {table}');
    // NIFTY 50 and NIFTY BANK: 3 recorded + 5 live + 1 snapshot + 5 live; the others 1 + 5 + 1 + 5.
    expect(counts.sort((a, b) => String(a.instrument_key).localeCompare(String(b.instrument_key)))).toEqual([
      { instrument_key: RELIANCE, n: 12 },
      { instrument_key: OPTION, n: 12 },
      { instrument_key: NIFTY, n: 14 },
      { instrument_key: BANK, n: 14 },
    ]);
  });

  it('carries depth over a delta', async () => {
    const rows = await query('feed_ticks', `SELECT received_ts, bid_price, bid_qty FROM {table} WHERE instrument_key = '${RELIANCE}' ORDER BY received_ts`);
    const sent = sim.sentFrames().flatMap(({ frame }) => (frame.feeds?.[RELIANCE] ? [frame] : []));
    expect(rows.length).toBe(sent.length);
    let carried = 0;
    for (const [i, frame] of sent.entries()) {
      const quotes = frame.feeds?.[RELIANCE]?.fullFeed?.marketFF?.marketLevel?.bidAskQuote;
      if (quotes) {
        expect([rows[i]?.bid_price, rows[i]?.bid_qty]).toEqual([quotes[0]?.bidP, Number(quotes[0]?.bidQ)]);
      } else {
        carried += 1;
        expect([rows[i]?.bid_price, rows[i]?.bid_qty]).toEqual([rows[i - 1]?.bid_price, rows[i - 1]?.bid_qty]);
      }
    }
    expect(carried).toBeGreaterThan(0);
  });

  it('keeps index volumes null', async () => {
    const rows = await query('feed_ticks', `SELECT count() n FROM {table} WHERE instrument_key = '${NIFTY}' AND (ltq != null OR volume != null OR bid_price != null)`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('stores the market status', async () => {
    const expected: FeedStatusRow[] = sim.sentFrames().flatMap(({ frame }) => normaliseFeedFrame(frame, new FeedState(), 0).statuses);
    const stored = await query('feed_market_status', 'SELECT ts, segment, status FROM {table} ORDER BY ts, segment');
    expect(expected.length).toBe(22);
    expect(stored.map((row) => ({ tsMs: ms(row.ts), segment: row.segment, status: row.status }))).toEqual(
      [...expected].sort((a, b) => a.tsMs - b.tsMs || a.segment.localeCompare(b.segment)),
    );
  });

  it('reauthorizes after a drop', () => {
    expect(consumer.stats()).toMatchObject({ authorizations: 2, connections: 2, badFrames: 0, issues: 0 });
    expect(sim.stats()).toMatchObject({ authorizations: 2, connections: 2, rejectedHandshakes: 0, maxOpenPerAccount: 1, openConnections: 0 });
    expect(capture.text()).toContain('feed connection closed; reconnecting with a fresh authorization');
  });

  it('subscribes in binary batches', () => {
    const requests = sim.requests();
    expect(requests.map((r) => [r.connection, r.binary, r.request.method, r.request.data.mode, r.request.data.instrumentKeys])).toEqual([
      [1, true, 'sub', 'full', [NIFTY, BANK, RELIANCE]],
      [1, true, 'sub', 'full', [OPTION]],
      [2, true, 'sub', 'full', [NIFTY, BANK, RELIANCE]],
      [2, true, 'sub', 'full', [OPTION]],
    ]);
  });

  it('writes every tick before it stops', () => {
    const stats = consumer.stats();
    expect(stats.ticks).toBe(52);
    expect(stats.ticksWritten).toBe(52);
    expect(stats.ticksDropped).toBe(0);
    expect(stats.statusesWritten).toBe(22);
    expect(capture.text()).toContain('feed consumer stopped');
  });

  it('keeps the token out of the log', () => {
    expect(sim.stats().handshakesWithAuthorization).toBe(0);
    expect(capture.lines.length).toBeGreaterThan(5);
    expect(capture.text()).not.toContain(TOKEN);
    expect(capture.text()).not.toContain('code=');
  });
});

describe('feed consumer failures', () => {
  it('counts ticks it cannot store', async () => {
    const relay = new QuestDbRelay(ctx.config.questdb.httpUrl);
    await relay.start();
    relay.cut();
    const deadSenders = new SenderPool({ httpUrl: relay.url, retryTimeoutMs: 100 });
    cleanups.push(async () => {
      await deadSenders.close();
      await relay.stop();
    });
    const deadWriter = new QuestDbRowWriter({ http: ctx.questdb, senders: deadSenders, tablePrefix: ctx.config.questdb.tablePrefix });
    const { authorize } = await simulator(2);
    const capture = captureLogger();
    const consumer = new FeedConsumer(
      consumerOptions({ instrumentKeys: [RELIANCE], authorize: authorize(), log: capture.log, sink: questDbFeedSink(deadWriter), writeRetryDelaysMs: [10] }),
    );
    const run = consumer.run();
    // market_info, one snapshot, two live frames.
    await until(() => consumer.stats().frames === 4, 'four frames');
    await consumer.stop();
    await run;
    expect(consumer.stats()).toMatchObject({ ticks: 3, ticksWritten: 0, ticksDropped: 3, statusesWritten: 0, statusesDropped: 11 });
    expect(capture.text()).toMatch(/dropped \d rows for feed_ticks after \d failed writes; check that QuestDB is running/);
  });

  it('stops on an invalid token', async () => {
    const { sim, authorize } = await simulator(0);
    const capture = captureLogger();
    const consumer = new FeedConsumer(consumerOptions({ authorize: authorize('not-the-token'), log: capture.log }));
    await expect(consumer.run()).rejects.toThrow(UpstoxAuthError);
    expect(sim.stats()).toMatchObject({ authorizations: 0, rejectedAuthorizations: 1, connections: 0 });
    expect(capture.text()).not.toContain('not-the-token');
  });

  it('rejects a key over the limit', () => {
    const keys = Array.from({ length: 51 }, (_, i) => `NSE_FO|${1000 + i}`);
    expect(() => new FeedConsumer(consumerOptions({ instrumentKeys: keys, mode: 'full_d30', authorize: async () => '', log: captureLogger().log }))).toThrow(
      /51 instrument keys given for mode full_d30, but one connection takes at most 50 in that mode/,
    );
  });
});

describe('feed tables', () => {
  it('deduplicate on the tick key', async () => {
    const prefix = ctx.config.questdb.tablePrefix;
    const tables = await ctx.questdb.exec(
      `SELECT table_name, designatedTimestamp, partitionBy, walEnabled, dedup FROM tables() WHERE table_name IN ('${prefix}feed_ticks', '${prefix}feed_market_status') ORDER BY table_name`,
    );
    expect(tables.dataset).toEqual([
      [`${prefix}feed_market_status`, 'ts', 'MONTH', true, true],
      [`${prefix}feed_ticks`, 'ts', 'DAY', true, true],
    ]);
    const keys = await ctx.questdb.exec(`SELECT "column" FROM table_columns('${prefix}feed_ticks') WHERE upsertKey`);
    expect(keys.dataset.flat().sort()).toEqual(['instrument_key', 'received_ts', 'ts']);
  });

  it('keeps ticks that share an ltt', async () => {
    const state = new FeedState();
    // The recorded rows under keys of their own, so the consumer tests' rows do not count.
    const rows = recordedFrames()
      .flatMap((frame) => normaliseFeedFrame(frame, state, 0).ticks)
      .map((row) => ({ ...row, instrumentKey: `${row.instrumentKey} rewrite` }));
    await writer.write(FEED_TICKS_TABLE, rows);
    await writer.write(FEED_TICKS_TABLE, rows);
    const stored = await query('feed_ticks', `SELECT ts, received_ts, ltp FROM {table} WHERE instrument_key = '${NIFTY} rewrite' ORDER BY received_ts`);
    expect(stored.map((row) => [ms(row.ts), ms(row.received_ts), row.ltp])).toEqual([
      [1740631251000, 1740631251550, 22546],
      [1740631251000, 1740631251858, 22545.4],
      [1740631252000, 1740631252307, 22544.35],
    ]);
    const all = await query('feed_ticks', `SELECT count() n FROM {table} WHERE instrument_key LIKE '% rewrite'`);
    expect(all).toEqual([{ n: 6 }]);
  });
});
