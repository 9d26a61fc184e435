import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { decodeFeedResponse, encodeFeedResponse, type FeedJson, type FeedResponseJson, type LtpcJson, type OhlcJson } from '../feed/decode.js';
import { FEED_COMBINED_KEY_LIMITS, FEED_KEY_LIMITS, FeedSubscriptionError, parseFeedRequest, type FeedRequest } from '../feed/subscription.js';
import type { FeedMode } from '../normalise/feed.js';
import { FEED_AUTHORIZE_PATH } from '../upstox/feed.js';
import { isInstrumentKey } from '../upstox/instrument-key.js';
import { errorResponse, successResponse, type SimulatorResponse } from './envelopes.js';
import { logUniformOf, normalOf, uniformOf } from './random.js';

// A stand-in for the Market Data Feed V3: one loopback server that serves the authorize call
// (`GET /v3/feed/market-data-feed/authorize`) and accepts the websocket connections its URLs
// name. Both live here because the authorize call issues the single-use codes that the
// websocket handshake checks; point the consumer's authorize base URL at `url`.
//
// Each connection gets a `market_info` frame first. Each subscribe request gets the recorded
// frames for the keys they cover (once per key and server, verbatim), and a synthetic
// `initial_feed` snapshot for the other keys. Then a `live_feed` frame with one tick per
// subscribed key follows every `tickIntervalMs`. Synthetic ticks are deterministic: tick n of
// a key depends only on the key, n and the ticks before it, and the frame clock is virtual
// (one second per live frame), so the same requests get the same frames in every run. Live
// frames are deltas: the depth is sent every second tick and greeks every third, as proto3
// deltas leave blocks out.

/** The recorded frames in data/recorded: NIFTY 50 and NIFTY BANK in full mode, 2025-02-27. */
export const RECORDED_FEED_FILE = 'upstox-v3-market-feed-index-full-NIFTY50-BANKNIFTY-2025-02-27.json';

/** The path of the websocket URLs that the authorize call returns, as Upstox's feeder host names it. */
export const FEED_SOCKET_PATH = '/market-data-feeder/v3/upstox-developer-api/feeds';

export interface FeedSimulatorOptions {
  /** Default 127.0.0.1; only loopback addresses are allowed. */
  readonly host?: string;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Accepted bearer token → account label, such as `{ 'sim-token': 'default' }`. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Frames to replay before synthetic ticks, in the decoded JSON shape; default the recorded file. */
  readonly frames?: readonly FeedResponseJson[];
  /** Real time between live frames, in ms. Default 500. */
  readonly tickIntervalMs?: number;
  /** Live frames per connection; after that the connection stays open and quiet. Default unlimited. */
  readonly liveFramesPerConnection?: number;
  /** How long an authorize code admits a connection, in ms. Default 60,000. */
  readonly codeTtlMs?: number;
  /** Virtual time of the first synthetic frame, epoch ms; default one second after the last replayed frame. */
  readonly startMs?: number;
  /** Folder of the recorded data; default the repository's data/recorded. */
  readonly dataDir?: string;
  readonly logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** A frame the simulator sent, as the client decodes it. */
export interface SentFeedFrame {
  /** The connection's number, from 1 in the order of handshakes. */
  readonly connection: number;
  readonly frame: FeedResponseJson;
}

/** A subscription request the simulator received. */
export interface ReceivedFeedRequest {
  readonly connection: number;
  /** True when it came as a binary frame, as the official SDKs send it. */
  readonly binary: boolean;
  readonly request: FeedRequest;
}

export interface FeedSimulatorStats {
  /** Authorize calls that returned a URL. */
  readonly authorizations: number;
  /** Authorize calls rejected for their token. */
  readonly rejectedAuthorizations: number;
  /** Websocket handshakes accepted. */
  readonly connections: number;
  /** Websocket handshakes rejected: unknown, used or expired code, or the wrong path. */
  readonly rejectedHandshakes: number;
  /** Websocket handshakes that carried an Authorization header, which the feed URL makes needless. */
  readonly handshakesWithAuthorization: number;
  readonly openConnections: number;
  /** The maximum number of connections one account had open at once; Upstox allows one. */
  readonly maxOpenPerAccount: number;
  readonly framesSent: number;
  /** Requests that were malformed, named invalid keys or went over a key limit. */
  readonly rejectedRequests: number;
}

export interface RunningFeedSimulator {
  /** The authorize base URL, such as http://127.0.0.1:43123. */
  readonly url: string;
  readonly port: number;
  stats(): FeedSimulatorStats;
  /** Every frame sent so far, oldest first (the last 100,000). */
  sentFrames(): readonly SentFeedFrame[];
  /** Every subscription request received so far, oldest first. */
  requests(): readonly ReceivedFeedRequest[];
  /** Cuts every open feed connection without a close handshake, as a network failure would. */
  dropConnections(): void;
  close(): Promise<void>;
}

const SENT_LOG_SIZE = 100_000;
const DEFAULT_SEGMENT_STATUS: Readonly<Record<string, string>> = { NSE_EQ: 'NORMAL_OPEN', NSE_FO: 'NORMAL_OPEN', NSE_INDEX: 'NORMAL_OPEN', BSE_EQ: 'NORMAL_OPEN', BSE_INDEX: 'NORMAL_OPEN' };
const REQUEST_MODES: Readonly<Record<FeedMode, string>> = { ltpc: 'ltpc', option_greeks: 'option_greeks', full: 'full_d5', full_d30: 'full_d30' };

interface Connection {
  readonly id: number;
  readonly account: string;
  readonly ws: WebSocket;
  /** Subscribed key → mode. */
  readonly modes: Map<string, FeedMode>;
  liveFrames: number;
  timer: NodeJS.Timeout | undefined;
}

/** Starts the feed simulator and resolves once it listens. */
export async function startFeedSimulator(options: FeedSimulatorOptions): Promise<RunningFeedSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!(host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) {
    throw new Error(`invalid feed simulator host ${JSON.stringify(host)}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed`);
  }
  if (Object.keys(options.tokens).length === 0) {
    throw new Error('invalid feed simulator tokens: at least one token is required, such as { "sim-token": "default" }');
  }
  const tokens = new Map(Object.entries(options.tokens));
  const script = new FeedScript(options.frames ?? readRecordedFrames(options.dataDir ?? defaultDataDir()));
  const market = new SyntheticMarket(options.startMs ?? script.nextSecondMs());
  const tickIntervalMs = options.tickIntervalMs ?? 500;
  const liveLimit = options.liveFramesPerConnection ?? Number.POSITIVE_INFINITY;
  const codeTtlMs = options.codeTtlMs ?? 60_000;
  const logger = options.logger;

  const codes = new Map<string, { account: string; expiresAt: number }>();
  const open = new Set<Connection>();
  const sent: SentFeedFrame[] = [];
  const received: ReceivedFeedRequest[] = [];
  const counts = {
    authorizations: 0,
    rejectedAuthorizations: 0,
    connections: 0,
    rejectedHandshakes: 0,
    handshakesWithAuthorization: 0,
    maxOpenPerAccount: 0,
    framesSent: 0,
    rejectedRequests: 0,
  };
  let address = '';

  const send = (connection: Connection, frame: FeedResponseJson): void => {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    const bytes = encodeFeedResponse(frame);
    connection.ws.send(bytes, { binary: true });
    counts.framesSent += 1;
    sent.push({ connection: connection.id, frame: decodeFeedResponse(bytes) });
    if (sent.length > SENT_LOG_SIZE) sent.splice(0, sent.length - SENT_LOG_SIZE);
  };

  // The authorize call: the bearer token, then a fresh single-use code.
  const authorize = (req: IncomingMessage): SimulatorResponse => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== FEED_AUTHORIZE_PATH) return errorResponse('notFound');
    const account = tokens.get(/^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (account === undefined) {
      counts.rejectedAuthorizations += 1;
      return errorResponse('invalidToken');
    }
    if (req.method !== 'GET') return errorResponse('methodNotAllowed');
    const code = randomUUID();
    codes.set(code, { account, expiresAt: Date.now() + codeTtlMs });
    counts.authorizations += 1;
    return successResponse({ authorized_redirect_uri: `ws://${address}${FEED_SOCKET_PATH}?requestId=${randomUUID()}&code=${code}` });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const response = authorize(req);
    const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
    res.writeHead(response.status, { ...response.headers, 'content-type': response.contentType, 'content-length': String(body.length) });
    res.end(body);
  });
  const sockets = new WebSocketServer({ noServer: true });

  // The handshake takes the URL's code once; a used, expired or unknown code gets a 403.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.headers.authorization !== undefined) counts.handshakesWithAuthorization += 1;
    const target = new URL(req.url ?? '/', 'http://feed.invalid');
    const code = target.searchParams.get('code') ?? '';
    const grant = codes.get(code);
    codes.delete(code);
    if (target.pathname !== FEED_SOCKET_PATH || !grant || grant.expiresAt < Date.now()) {
      counts.rejectedHandshakes += 1;
      const body = JSON.stringify({ status: 'error', message: 'the authorization code is invalid, used or expired; call authorize again' });
      socket.end(`HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => accept(ws, grant.account));
  });

  const accept = (ws: WebSocket, account: string): void => {
    counts.connections += 1;
    const connection: Connection = { id: counts.connections, account, ws, modes: new Map(), liveFrames: 0, timer: undefined };
    open.add(connection);
    const perAccount = [...open].filter((c) => c.account === account).length;
    counts.maxOpenPerAccount = Math.max(counts.maxOpenPerAccount, perAccount);

    send(connection, script.marketInfo(connection.id === 1, market.stamp()));
    connection.timer = setInterval(() => {
      if (connection.modes.size === 0 || connection.liveFrames >= liveLimit) return;
      connection.liveFrames += 1;
      send(connection, market.liveFrame(connection.modes));
    }, tickIntervalMs);

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      try {
        const request = parseFeedRequest(isBinary ? bytes : bytes.toString('utf8'));
        received.push({ connection: connection.id, binary: isBinary, request });
        handleRequest(connection, request);
      } catch (error) {
        // A bad request is ignored, as a server must not fall over on client input.
        counts.rejectedRequests += 1;
        logger?.warn({ connection: connection.id, err: (error as Error).message }, 'feed simulator ignored a request');
      }
    });
    ws.on('close', () => {
      clearInterval(connection.timer);
      open.delete(connection);
    });
  };

  const handleRequest = (connection: Connection, request: FeedRequest): void => {
    const bad = request.data.instrumentKeys.filter((key) => !isInstrumentKey(key));
    if (bad.length > 0) throw new FeedSubscriptionError(`invalid instrument keys ${bad.join(', ')}`);
    if (request.method === 'unsub') {
      for (const key of request.data.instrumentKeys) connection.modes.delete(key);
      return;
    }
    const mode = request.data.mode!;
    const next = new Map(connection.modes);
    for (const key of request.data.instrumentKeys) next.set(key, mode);
    const problem = limitProblem(next);
    if (problem) {
      // NOTE: how Upstox responds to a subscription over its limits is not documented; closing with 1008 makes the mistake visible.
      counts.rejectedRequests += 1;
      connection.ws.close(1008, problem.slice(0, 120));
      return;
    }
    const added = request.data.instrumentKeys.filter((key) => connection.modes.get(key) !== mode);
    for (const key of added) connection.modes.set(key, mode);

    const scripted = script.take(added, mode);
    for (const frame of scripted.frames) send(connection, frame);
    for (const [key, feed] of scripted.lastFeeds) market.seedFrom(key, feed);
    const rest = added.filter((key) => !scripted.lastFeeds.has(key));
    if (rest.length > 0) send(connection, market.snapshotFrame(rest, mode));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  const url = `http://${address}`;
  logger?.info({ url }, 'feed simulator started');

  return {
    url,
    port: bound.port,
    stats: () => ({ ...counts, openConnections: open.size }),
    sentFrames: () => [...sent],
    requests: () => [...received],
    dropConnections: () => {
      for (const connection of open) connection.ws.terminate();
    },
    close: async () => {
      for (const connection of open) {
        clearInterval(connection.timer);
        connection.ws.terminate();
      }
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      logger?.info({ url }, 'feed simulator stopped');
    },
  };
}

// Returns why a connection's subscriptions break Upstox's key limits, or undefined. One mode
// in use has its individual limit; several modes share the lower combined limits.
function limitProblem(modes: ReadonlyMap<string, FeedMode>): string | undefined {
  const perMode = new Map<FeedMode, number>();
  for (const mode of modes.values()) perMode.set(mode, (perMode.get(mode) ?? 0) + 1);
  const limits = perMode.size > 1 ? FEED_COMBINED_KEY_LIMITS : FEED_KEY_LIMITS;
  for (const [mode, count] of perMode) {
    if (count > limits[mode]) return `${count} keys in mode ${mode} exceed the limit of ${limits[mode]} per connection`;
  }
  return undefined;
}

/** The frames to replay: the first `market_info` frame, and the feed frames in order. */
class FeedScript {
  private readonly marketInfoFrame: FeedResponseJson | undefined;
  private readonly feedFrames: readonly FeedResponseJson[];
  private readonly replayed = new Set<string>();

  constructor(frames: readonly FeedResponseJson[]) {
    this.marketInfoFrame = frames.find((frame) => frame.type === 'market_info');
    this.feedFrames = frames.filter((frame) => frame.type !== 'market_info' && frame.feeds !== undefined);
  }

  /** Returns the next whole second after the last frame, where synthetic time starts. */
  nextSecondMs(): number {
    const stamps = [this.marketInfoFrame, ...this.feedFrames].map((frame) => Number(frame?.currentTs ?? 0));
    const last = Math.max(Date.UTC(2025, 1, 27, 4, 40, 52), ...stamps);
    return Math.ceil(last / 1000) * 1000 + 1000;
  }

  /** Returns the `market_info` frame: the recorded one as it is for the first connection, its statuses at `stampMs` for later ones. */
  marketInfo(first: boolean, stampMs: number): FeedResponseJson {
    if (first && this.marketInfoFrame) return this.marketInfoFrame;
    const segmentStatus = this.marketInfoFrame?.marketInfo?.segmentStatus ?? DEFAULT_SEGMENT_STATUS;
    return { type: 'market_info', currentTs: String(stampMs), marketInfo: { segmentStatus } };
  }

  /**
   * Takes the recorded frames of the keys not replayed before whose recorded mode is `mode`,
   * each cut down to those keys, and each key's last recorded feed.
   */
  take(keys: readonly string[], mode: FeedMode): { frames: FeedResponseJson[]; lastFeeds: Map<string, FeedJson> } {
    const wanted = new Set(keys.filter((key) => !this.replayed.has(key)));
    const frames: FeedResponseJson[] = [];
    const lastFeeds = new Map<string, FeedJson>();
    for (const frame of this.feedFrames) {
      const feeds = Object.entries(frame.feeds ?? {}).filter(([key, feed]) => wanted.has(key) && modeOf(feed) === mode);
      if (feeds.length === 0) continue;
      frames.push({ ...frame, feeds: Object.fromEntries(feeds) });
      for (const [key, feed] of feeds) lastFeeds.set(key, feed);
    }
    for (const key of lastFeeds.keys()) this.replayed.add(key);
    return { frames, lastFeeds };
  }
}

function modeOf(feed: FeedJson): FeedMode {
  const name = String(feed.requestMode ?? 'ltpc');
  return name === 'full_d5' ? 'full' : (name as FeedMode);
}

/** One instrument's synthetic market, advanced one tick per live frame. */
interface SyntheticQuote {
  readonly key: string;
  readonly index: boolean;
  readonly derivative: boolean;
  step: number;
  ltp: number;
  ltt: number;
  ltq: number;
  cp: number;
  open: number;
  high: number;
  low: number;
  vtt: number;
  atp: number;
  tbq: number;
  tsq: number;
  oi: number;
}

/**
 * Synthetic ticks on a virtual clock that only moves forward: one second per live frame, one
 * millisecond per other frame. The clock holds the time of the last frame sent.
 */
class SyntheticMarket {
  private readonly quotes = new Map<string, SyntheticQuote>();

  constructor(private clockMs: number) {}

  /** Advances the clock by one millisecond and returns it, for frames that are not live ticks. */
  stamp(): number {
    this.clockMs += 1;
    return this.clockMs;
  }

  /** Continues a key's ticks from the last recorded feed. */
  seedFrom(key: string, feed: FeedJson): void {
    const quote = this.quote(key);
    const market = feed.fullFeed?.marketFF;
    const block = market ?? feed.fullFeed?.indexFF ?? feed.firstLevelWithGreeks;
    const ltpc: LtpcJson | undefined = block?.ltpc ?? feed.ltpc;
    const day: OhlcJson | undefined = (market?.marketOHLC ?? feed.fullFeed?.indexFF?.marketOHLC)?.ohlc?.find((bar) => bar.interval === '1d');
    if (ltpc?.ltp !== undefined) quote.ltp = ltpc.ltp;
    if (ltpc?.cp !== undefined) quote.cp = ltpc.cp;
    if (ltpc?.ltt !== undefined) quote.ltt = Number(ltpc.ltt);
    if (day?.open !== undefined) quote.open = day.open;
    quote.high = Math.max(quote.ltp, day?.high ?? quote.ltp);
    quote.low = Math.min(quote.ltp, day?.low ?? quote.ltp);
    if (market?.vtt !== undefined) quote.vtt = Number(market.vtt);
  }

  /** Builds a snapshot (`initial_feed`, whose type proto3 leaves out) of `keys` as they stand. */
  snapshotFrame(keys: readonly string[], mode: FeedMode): FeedResponseJson {
    const feeds = Object.fromEntries(keys.map((key) => [key, render(this.quote(key), mode, true)]));
    return { feeds, currentTs: String(this.stamp()) };
  }

  /** Builds the next live frame: one new tick for every subscribed key, in the next whole second, sent 150 ms into it. */
  liveFrame(modes: ReadonlyMap<string, FeedMode>): FeedResponseJson {
    const secondMs = Math.floor(this.clockMs / 1000) * 1000 + 1000;
    const feeds: Record<string, FeedJson> = {};
    for (const [key, mode] of modes) {
      const quote = this.quote(key);
      advance(quote, secondMs);
      feeds[key] = render(quote, mode, false);
    }
    this.clockMs = secondMs + 150;
    return { type: 'live_feed', feeds, currentTs: String(this.clockMs) };
  }

  private quote(key: string): SyntheticQuote {
    let quote = this.quotes.get(key);
    if (!quote) {
      quote = seedQuote(key, this.clockMs);
      this.quotes.set(key, quote);
    }
    return quote;
  }
}

function seedQuote(key: string, clockMs: number): SyntheticQuote {
  const index = /_INDEX\|/.test(key);
  const derivative = /_FO\|/.test(key);
  const cp = toTick(logUniformOf(`${key}:feed-price`, 50, 5000));
  const open = toTick(cp * (1 + normalOf(`${key}:feed-gap`) * 0.005));
  const ltq = index ? 0 : 1 + Math.floor(uniformOf(`${key}:feed-qty:0`) * 500);
  return {
    key,
    index,
    derivative,
    step: 0,
    ltp: open,
    ltt: index ? Math.floor(clockMs / 1000) * 1000 - 1000 : clockMs - 700,
    ltq,
    cp,
    open,
    high: open,
    low: open,
    vtt: index ? 0 : ltq,
    atp: open,
    tbq: index ? 0 : Math.round(logUniformOf(`${key}:feed-tbq`, 1e4, 1e6)),
    tsq: index ? 0 : Math.round(logUniformOf(`${key}:feed-tsq`, 1e4, 1e6)),
    oi: derivative ? Math.round(logUniformOf(`${key}:feed-oi`, 1e4, 1e7)) : 0,
  };
}

function advance(quote: SyntheticQuote, clockMs: number): void {
  quote.step += 1;
  const seed = `${quote.key}:feed-step:${quote.step}`;
  quote.ltp = Math.max(0.05, toTick(quote.ltp * (1 + normalOf(`${seed}:move`) * 0.0004)));
  quote.high = Math.max(quote.high, quote.ltp);
  quote.low = Math.min(quote.low, quote.ltp);
  if (quote.index) {
    // Index ticks carry whole seconds, so two frames can share a last trade time.
    quote.ltt = Math.floor(clockMs / 1000) * 1000;
    return;
  }
  quote.ltt = clockMs - Math.floor(uniformOf(`${seed}:lag`) * 400);
  quote.ltq = 1 + Math.floor(uniformOf(`${seed}:qty`) * 500);
  quote.atp = round((quote.atp * quote.vtt + quote.ltp * quote.ltq) / (quote.vtt + quote.ltq), 2);
  quote.vtt += quote.ltq;
  quote.tbq = Math.max(1, Math.round(quote.tbq * (1 + normalOf(`${seed}:tbq`) * 0.01)));
  quote.tsq = Math.max(1, Math.round(quote.tsq * (1 + normalOf(`${seed}:tsq`) * 0.01)));
  if (quote.derivative) quote.oi = Math.max(0, quote.oi + Math.round(normalOf(`${seed}:oi`) * 500));
}

// Renders a quote in a mode's message shape. Live frames are deltas: the depth goes out on
// even steps and the greeks on every third, so a consumer must carry them over.
function render(quote: SyntheticQuote, mode: FeedMode, snapshot: boolean): FeedJson {
  const ltpc: LtpcJson = { ltp: quote.ltp, ltt: String(quote.ltt), ltq: quote.index ? undefined : String(quote.ltq), cp: quote.cp };
  const withDepth = snapshot || quote.step % 2 === 0;
  const withGreeks = quote.derivative && (snapshot || quote.step % 3 === 0);
  const derivativeFields = quote.derivative ? { oi: quote.oi, iv: greeksOf(quote).iv } : {};
  if (mode === 'ltpc') return { ltpc, requestMode: REQUEST_MODES.ltpc };
  if (mode === 'option_greeks') {
    if (quote.index) return { firstLevelWithGreeks: { ltpc }, requestMode: REQUEST_MODES.option_greeks };
    const firstLevelWithGreeks = {
      ltpc,
      firstDepth: withDepth ? depthOf(quote, 1)[0] : undefined,
      optionGreeks: withGreeks ? greeksOf(quote).greeks : undefined,
      vtt: String(quote.vtt),
      ...derivativeFields,
    };
    return { firstLevelWithGreeks, requestMode: REQUEST_MODES.option_greeks };
  }
  const marketOHLC = { ohlc: [dayBarOf(quote), minuteBarOf(quote)] };
  if (quote.index) return { fullFeed: { indexFF: { ltpc, marketOHLC } }, requestMode: REQUEST_MODES[mode] };
  const marketFF = {
    ltpc,
    marketLevel: withDepth ? { bidAskQuote: depthOf(quote, mode === 'full_d30' ? 30 : 5) } : undefined,
    optionGreeks: withGreeks ? greeksOf(quote).greeks : undefined,
    marketOHLC,
    atp: quote.atp,
    vtt: String(quote.vtt),
    tbq: quote.tbq,
    tsq: quote.tsq,
    ...derivativeFields,
  };
  return { fullFeed: { marketFF }, requestMode: REQUEST_MODES[mode] };
}

function depthOf(quote: SyntheticQuote, levels: number): { bidQ: string; bidP: number; askQ: string; askP: number }[] {
  return Array.from({ length: levels }, (_, i) => {
    const seed = `${quote.key}:feed-depth:${quote.step}:${i}`;
    return {
      bidQ: String(1 + Math.floor(uniformOf(`${seed}:bid`) * 2000)),
      bidP: Math.max(0.05, toTick(quote.ltp - 0.05 * (i + 1))),
      askQ: String(1 + Math.floor(uniformOf(`${seed}:ask`) * 2000)),
      askP: toTick(quote.ltp + 0.05 * i),
    };
  });
}

function greeksOf(quote: SyntheticQuote): { greeks: { delta: number; theta: number; gamma: number; vega: number; rho: number }; iv: number } {
  const seed = `${quote.key}:feed-greeks:${quote.step}`;
  const delta = round(0.05 + 0.9 * uniformOf(`${seed}:delta`), 4);
  return {
    greeks: {
      delta,
      theta: -round(1 + 30 * uniformOf(`${seed}:theta`), 2),
      gamma: round(0.0001 + 0.002 * uniformOf(`${seed}:gamma`), 4),
      vega: round(1 + 15 * uniformOf(`${seed}:vega`), 2),
      rho: round(0.5 + 3 * uniformOf(`${seed}:rho`), 2),
    },
    iv: round(0.1 + 0.2 * uniformOf(`${seed}:iv`), 4),
  };
}

// The day bar starts at IST midnight, as Upstox stamps it.
function dayBarOf(quote: SyntheticQuote): OhlcJson {
  const istMidnight = Math.floor((quote.ltt + 19_800_000) / 86_400_000) * 86_400_000 - 19_800_000;
  const bar = { interval: '1d', open: quote.open, high: quote.high, low: quote.low, close: quote.ltp, ts: String(istMidnight) };
  return quote.index ? bar : { ...bar, vol: String(quote.vtt) };
}

// The last completed minute, near the current price.
function minuteBarOf(quote: SyntheticQuote): OhlcJson {
  const start = Math.floor(quote.ltt / 60_000) * 60_000 - 60_000;
  const seed = `${quote.key}:feed-minute:${start}`;
  const open = toTick(quote.ltp * (1 + normalOf(`${seed}:open`) * 0.0005));
  const close = toTick(quote.ltp * (1 + normalOf(`${seed}:close`) * 0.0005));
  const bar = { interval: 'I1', open, high: Math.max(open, close), low: Math.min(open, close), close, ts: String(start) };
  return quote.index ? bar : { ...bar, vol: String(1 + Math.floor(uniformOf(`${seed}:vol`) * 50_000)) };
}

function toTick(price: number): number {
  return round(Math.round(price * 20) / 20, 2);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function readRecordedFrames(dataDir: string): FeedResponseJson[] {
  const file = join(dataDir, RECORDED_FEED_FILE);
  const frames = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(frames)) throw new Error(`${file} must hold a JSON array of decoded feed frames`);
  return frames as FeedResponseJson[];
}

// The module sits at src/simulator (or dist/src/simulator once compiled), so the data folder
// is found by walking up to the directory that contains data/recorded.
function defaultDataDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'data', 'recorded');
    if (existsSync(join(candidate, RECORDED_FEED_FILE))) return candidate;
    if (dirname(dir) === dir) return join(start, '..', '..', 'data', 'recorded');
  }
}
