import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../log/logger.js';
import { FeedState, normaliseFeedFrame, type FeedMode, type FeedStatusRow, type FeedTickRow } from '../normalise/feed.js';
import { BudgetExhaustedError } from '../rate-budget/rate-budget.js';
import {
  UpstoxAuthError,
  UpstoxBlockedError,
  UpstoxInvalidRequestError,
  UpstoxPlanRequiredError,
  UpstoxRateLimitError,
  UpstoxSchemaError,
  UpstoxStaticIpError,
} from '../upstox/errors.js';
import { describeFeedUri } from '../upstox/feed.js';
import { RowBatcher } from './batcher.js';
import { decodeFeedResponse } from './decode.js';
import type { FeedSink } from './questdb-sink.js';
import { checkSubscription, DEFAULT_SUBSCRIBE_BATCH, subscribeFrames } from './subscription.js';

// The live feed consumer: authorize, connect, subscribe, then decode, normalise and write every
// frame until stopped. Each connection starts with a fresh authorize call, because the URL it
// returns admits one connection only. The bearer token goes only to that call (through the
// `authorize` function). The websocket handshake carries none, and logs show the feed URL
// without its query, which contains the single-use code.

export interface FeedConsumerOptions {
  readonly instrumentKeys: readonly string[];
  readonly mode: FeedMode;
  /** Calls the authorize endpoint and returns the single-use websocket URL. */
  readonly authorize: () => Promise<string>;
  readonly sink: FeedSink;
  readonly log: Logger;
  /** Ticks that trigger a write at once. Default 500. */
  readonly flushTicks?: number;
  /** Maximum wait of a tick before its write starts, in ms. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Pauses between attempts of a failed write, in ms; after the last one the batch is dropped. */
  readonly writeRetryDelaysMs?: readonly number[];
  /** Ticks allowed to wait while writes fail; beyond it the oldest are dropped. Default 200,000. */
  readonly maxWaitingTicks?: number;
  /** Keys per subscribe request. Default 100. */
  readonly subscribeBatch?: number;
  /** Pause before the first reconnect, doubling per failed attempt up to `max`, in ms. Default 1000 and 30,000. */
  readonly reconnectDelayMs?: { readonly initial: number; readonly max: number };
  /** A ping goes out this often; a connection with no frame, ping or pong for two intervals is closed. Default 20,000 ms. */
  readonly pingIntervalMs?: number;
  /** Time allowed for the websocket handshake, in ms. Default 10,000. */
  readonly handshakeTimeoutMs?: number;
}

/** Counts since the consumer started. */
export interface FeedConsumerStats {
  readonly authorizations: number;
  readonly connections: number;
  readonly frames: number;
  /** Binary frames that did not decode, and text messages, which the feed does not send for data. */
  readonly badFrames: number;
  /** Values left out by the normaliser because they cannot be real. */
  readonly issues: number;
  readonly ticks: number;
  readonly ticksWritten: number;
  readonly ticksDropped: number;
  readonly statusesWritten: number;
  readonly statusesDropped: number;
}

/** An authorize response whose URL the consumer will not open, such as plain ws:// to a remote host. */
export class FeedUriError extends Error {
  readonly code = 'FEED_URI_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'FeedUriError';
  }
}

interface ConnectionEnd {
  readonly code: number;
  readonly reason: string;
  readonly frames: number;
  readonly error: string | undefined;
}

// Errors that another attempt cannot fix: the consumer stops and reports them.
const PERMANENT_ERRORS = [UpstoxAuthError, UpstoxBlockedError, UpstoxInvalidRequestError, UpstoxPlanRequiredError, UpstoxSchemaError, UpstoxStaticIpError, FeedUriError];

/** Consumes the market data feed into a sink until {@link FeedConsumer.stop} is called. */
export class FeedConsumer {
  private readonly keys: string[];
  private readonly state = new FeedState();
  private readonly ticks: RowBatcher<FeedTickRow>;
  private readonly statuses: RowBatcher<FeedStatusRow>;
  private readonly badFrameLog: RepeatLog;
  private readonly issueLog: RepeatLog;
  private readonly counts = { authorizations: 0, connections: 0, frames: 0, badFrames: 0, issues: 0, ticks: 0 };
  private socket: WebSocket | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: FeedConsumerOptions) {
    this.keys = checkSubscription(options.instrumentKeys, options.mode);
    const log = options.log;
    const batching = { log, maxDelayMs: options.flushIntervalMs, retryDelaysMs: options.writeRetryDelaysMs };
    this.ticks = new RowBatcher({ ...batching, label: 'feed_ticks', write: (rows) => options.sink.writeTicks(rows), maxRows: options.flushTicks, maxBufferedRows: options.maxWaitingTicks });
    this.statuses = new RowBatcher({ ...batching, label: 'feed_market_status', write: (rows) => options.sink.writeStatuses(rows), maxRows: 100 });
    this.badFrameLog = new RepeatLog(log, 'feed frame could not be read');
    this.issueLog = new RepeatLog(log, 'feed frame has a value that cannot be real');
  }

  /**
   * Connects and consumes until {@link stop}; resolves after the last rows are written.
   * Rejects, after writing what it holds, on an error that reconnecting cannot fix, such as
   * an invalid token.
   */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Closes the connection, writes the waiting rows and resolves once the consumer has stopped. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.options.log.info({ stats: this.stats() }, 'stopping the feed consumer: closing the connection and writing waiting ticks');
      this.wake?.();
      this.closeSocket();
    }
    await this.running?.catch(() => undefined);
  }

  /** Returns the counts so far. */
  stats(): FeedConsumerStats {
    const ticks = this.ticks.stats();
    const statuses = this.statuses.stats();
    return {
      ...this.counts,
      ticksWritten: ticks.written,
      ticksDropped: ticks.dropped,
      statusesWritten: statuses.written,
      statusesDropped: statuses.dropped,
    };
  }

  private async loop(): Promise<void> {
    const log = this.options.log;
    const delays = this.options.reconnectDelayMs ?? { initial: 1_000, max: 30_000 };
    let failures = 0;
    log.info({ keys: this.keys.length, mode: this.options.mode }, 'feed consumer started');
    try {
      while (!this.stopping) {
        let uri: string;
        try {
          uri = await this.options.authorize();
          this.counts.authorizations += 1;
        } catch (error) {
          if (PERMANENT_ERRORS.some((kind) => error instanceof kind)) throw error;
          failures += 1;
          const delayMs = retryDelayOf(error, backoffMs(delays, failures));
          log.warn({ err: messageOf(error), attempt: failures, retryInMs: delayMs }, 'feed authorize call failed; retrying');
          await this.pause(delayMs);
          continue;
        }
        if (this.stopping) break;

        const end = await this.connect(checkFeedUri(uri));
        if (this.stopping) break;
        // A connection that delivered frames worked, so the next attempt starts the backoff afresh.
        failures = end.frames > 0 ? 1 : failures + 1;
        const delayMs = backoffMs(delays, failures);
        log.warn(
          { feed: describeFeedUri(uri), code: end.code, reason: end.reason, err: end.error, frames: end.frames, retryInMs: delayMs },
          'feed connection closed; reconnecting with a fresh authorization',
        );
        await this.pause(delayMs);
      }
    } finally {
      await Promise.all([this.ticks.close(), this.statuses.close()]);
      log.info({ stats: this.stats() }, 'feed consumer stopped');
    }
  }

  // Opens one connection and resolves when it closes, for whatever reason.
  private connect(url: URL): Promise<ConnectionEnd> {
    const log = this.options.log;
    const feed = describeFeedUri(url.href);
    const pingIntervalMs = this.options.pingIntervalMs ?? 20_000;
    return new Promise((resolve) => {
      let frames = 0;
      let lastError: string | undefined;
      let activeSincePing = true;
      const ws = new WebSocket(url, { handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000, followRedirects: true, maxRedirects: 3 });
      this.socket = ws;

      const heartbeat = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (!activeSincePing) {
          log.warn({ feed, silentForMs: 2 * pingIntervalMs }, 'feed connection sent no frame or pong; closing it');
          ws.terminate();
          return;
        }
        activeSincePing = false;
        ws.ping();
      }, pingIntervalMs);

      ws.on('open', () => {
        this.counts.connections += 1;
        log.info({ feed }, 'feed connected');
        if (this.stopping) return this.closeSocket();
        this.subscribe(ws);
      });
      ws.on('message', (data, isBinary) => {
        activeSincePing = true;
        frames += 1;
        this.handleMessage(data, isBinary);
      });
      ws.on('ping', () => (activeSincePing = true));
      ws.on('pong', () => (activeSincePing = true));
      // ws reports handshake failures (such as a rejected code) here, with the status but without the URL.
      ws.on('error', (error) => (lastError = error.message.replace(url.search, '')));
      ws.on('close', (code, reason) => {
        clearInterval(heartbeat);
        if (this.socket === ws) this.socket = undefined;
        resolve({ code, reason: reason.toString('utf8'), frames, error: lastError });
      });
    });
  }

  private subscribe(ws: WebSocket): void {
    const requests = subscribeFrames(this.keys, this.options.mode, this.options.subscribeBatch ?? DEFAULT_SUBSCRIBE_BATCH);
    for (const request of requests) ws.send(request, { binary: true });
    this.options.log.info({ keys: this.keys.length, mode: this.options.mode, requests: requests.length }, 'feed subscription sent');
  }

  private handleMessage(data: RawData, isBinary: boolean): void {
    this.counts.frames += 1;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (!isBinary) {
      this.counts.badFrames += 1;
      this.badFrameLog.report({ text: bytes.toString('utf8').slice(0, 200) }, 'feed sent a text message instead of a binary frame');
      return;
    }
    let rows;
    try {
      rows = normaliseFeedFrame(decodeFeedResponse(bytes), this.state, Date.now());
    } catch (error) {
      this.counts.badFrames += 1;
      this.badFrameLog.report({ bytes: bytes.length, err: messageOf(error) }, 'feed frame could not be decoded; it is skipped');
      return;
    }
    if (rows.issues.length > 0) {
      this.counts.issues += rows.issues.length;
      this.issueLog.report({ issues: rows.issues.slice(0, 5) }, 'feed frame has values that cannot be real; they were left out');
    }
    this.counts.ticks += rows.ticks.length;
    this.ticks.add(rows.ticks);
    this.statuses.add(rows.statuses);
  }

  private closeSocket(): void {
    const ws = this.socket;
    if (!ws) return;
    ws.close(1000, 'client stopping');
    // A server that does not complete the close handshake is cut off.
    setTimeout(() => ws.terminate(), 3_000).unref();
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/**
 * Returns the feed URL after checking its scheme: `wss://`, or plain `ws://` only to a loopback
 * host (the simulator), because the URL's code admits a connection to anyone who reads it.
 */
export function checkFeedUri(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new FeedUriError(`the feed authorize call returned ${describeFeedUri(uri)}, which is not a URL; check UPSTOX_API_BASE_URL`);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === 'wss:' || (url.protocol === 'ws:' && loopback)) return url;
  throw new FeedUriError(
    `the feed authorize call returned ${describeFeedUri(uri)}; only wss:// URLs (or ws:// on loopback) are opened, so check UPSTOX_API_BASE_URL`,
  );
}

// Exponential backoff with jitter: between half and all of initial × 2^(attempt−1), capped at max.
function backoffMs(delays: { initial: number; max: number }, attempt: number): number {
  const ceiling = Math.min(delays.max, delays.initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function retryDelayOf(error: unknown, backoff: number): number {
  if (error instanceof BudgetExhaustedError) return error.waitMs;
  if (error instanceof UpstoxRateLimitError) return Math.max(error.retryAfterMs ?? 0, backoff);
  return backoff;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Logs the first few occurrences of a repeated problem, then one line per 1000 with the count.
class RepeatLog {
  private count = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  report(details: Record<string, unknown>, message: string): void {
    this.count += 1;
    if (this.count <= 5 || this.count % 1000 === 0) this.log.warn({ ...details, occurrences: this.count, what: this.what }, message);
  }
}
