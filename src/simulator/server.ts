import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { errorResponse, type SimulatorResponse } from './envelopes.js';
import { FaultQueue, type Fault } from './faults.js';
import { INSTRUMENTS_FILE } from './instruments.js';
import { DEFAULT_RATE_LIMITS, RateWindows, type RateLimits, type WindowMaxima } from './rate-windows.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import { parseQuery, type SimAccountSettings } from './route.js';
import { createRoutes } from './routes.js';

// A local HTTP server that serves the Upstox API endpoints the product reads as the real API
// does: bearer tokens, per-user and per-API rate windows, Upstox error envelopes, and data that
// is recorded where real data exists and deterministic and synthetic elsewhere.

export type { Fault } from './faults.js';

export interface SimulatorOptions {
  /** Default 127.0.0.1. A host that is not a loopback address is rejected unless `allowRemote` is true. */
  host?: string;
  allowRemote?: boolean;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Accepted bearer token → account label, such as `{ 'sim-token': 'default' }`. */
  tokens: Record<string, string>;
  /** Requests per window; default 50 per second, 500 per minute, 2000 per 30 minutes. */
  rateLimits?: RateLimits;
  /** Divides every window length: 20 makes 1 s, 60 s and 1800 s into 50 ms, 3 s and 90 s. Default 1. */
  timeScale?: number;
  /** Epoch ms clock deciding "today" for the intraday endpoint and which sessions are complete. Default Date.now. */
  now?: () => number;
  /** Folder of the recorded data; default the repository's data/recorded, found from this module's location. */
  dataDir?: string;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Per account label: whether requests come from its registered static IP, and whether it has Upstox Plus. Both default to true. */
  accounts?: Record<string, Partial<SimAccountSettings>>;
}

export interface SimulatorStats {
  /** All requests received, faulted ones included. */
  requests: number;
  /** Requests that the endpoints responded to with 200; responses replaced by a fault are not counted. */
  accepted: number;
  /** Requests rejected by the rate windows; a 429 injected as a fault is not counted. */
  rejected429: number;
  /**
   * Per `${account}:${api}`. Here `accepted` counts the requests admitted by the rate windows,
   * which count against the limits even when the response is a 400. `maxInWindow` is the
   * maximum number of admitted requests seen inside any one window of each length.
   */
  byApi: Record<string, { accepted: number; rejected429: number; maxInWindow: WindowMaxima }>;
}

export interface RunningSimulator {
  /** Such as http://127.0.0.1:43123. */
  readonly url: string;
  readonly port: number;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Applies the faults in order to the next requests, before the auth and rate checks; faulted responses do not count in the rate windows. */
  injectFaults(...faults: Fault[]): void;
  clearFaults(): void;
  /** The last 100,000 requests, oldest first, with the request target as received on the wire. */
  requestLog(): ReadonlyArray<RequestLogEntry>;
  close(): Promise<void>;
}

const REQUEST_LOG_SIZE = 100_000;

/** Starts the simulator and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!options.allowRemote && !isLoopback(host)) {
    throw new Error(`invalid simulator host ${JSON.stringify(host)}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed; set allowRemote: true to listen elsewhere`);
  }
  if (Object.keys(options.tokens).length === 0) {
    throw new Error('invalid simulator tokens: at least one token is required, such as { "sim-token": "default" }');
  }
  const tokens = new Map(Object.entries(options.tokens));
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const routes = createRoutes(
    {
      dataDir: options.dataDir ?? defaultDataDir(),
      account: (label) => ({ staticIpAllowed: true, plus: true, ...options.accounts?.[label] }),
    },
    now,
  );
  // Rate windows run on the monotonic clock: `now` may be frozen by a test, and the windows must still slide.
  const rate = new RateWindows(options.rateLimits ?? DEFAULT_RATE_LIMITS, options.timeScale ?? 1, () => performance.now());
  const faults = new FaultQueue();
  const log = new RequestLog(REQUEST_LOG_SIZE);
  const counters = { requests: 0, accepted: 0, rejected429: 0 };
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = { timer: setTimeout(() => finish(), ms), resolve: () => finish() };
      const finish = (): void => {
        clearTimeout(entry.timer);
        delays.delete(entry);
        resolve();
      };
      delays.add(entry);
    });

  // The endpoints' response: auth first, then method and route, then the rate windows, then the parameters.
  const respond = async (req: IncomingMessage, checks: boolean): Promise<SimulatorResponse> => {
    let account = '';
    if (checks) {
      const token = bearerToken(req.headers.authorization);
      const label = token === undefined ? undefined : tokens.get(token);
      if (label === undefined) return errorResponse('invalidToken');
      account = label;
    }
    if (req.method !== 'GET') return errorResponse('methodNotAllowed');
    const target = req.url ?? '';
    const queryStart = target.indexOf('?');
    const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
    const segments = pathname.split('/').slice(1);
    let matched: { route: (typeof routes)[number]; params: Readonly<Record<string, string>> } | undefined;
    for (const route of routes) {
      const params = route.match(segments);
      if (params) {
        matched = { route, params };
        break;
      }
    }
    if (!matched) return errorResponse('notFound');
    if (checks && !rate.tryAdmit(`${account}:${matched.route.api}`)) {
      counters.rejected429 += 1;
      return errorResponse('rateLimited');
    }
    const query = parseQuery(queryStart < 0 ? '' : target.slice(queryStart + 1));
    return matched.route.handle({ segments, query, account, now: now() }, matched.params);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.requests += 1;
    let response: SimulatorResponse;
    let faulted = false;
    try {
      const fault = faults.take();
      if (fault?.kind === 'delay') await wait(fault.ms);
      if (fault?.kind === 'status') {
        response = { status: fault.status, contentType: fault.contentType, body: fault.body };
        faulted = true;
      } else if (fault?.kind === 'truncate') {
        response = truncated(await respond(req, false));
        faulted = true;
      } else {
        response = await respond(req, true);
      }
    } catch (error) {
      logger?.warn({ err: error instanceof Error ? error.message : String(error), method: req.method, path: req.url }, 'Upstox simulator request failed; responded with HTTP 500');
      response = errorResponse('serverError');
    }
    if (!faulted && response.status === 200) counters.accepted += 1;
    log.push({ method: req.method ?? '', rawPath: req.url ?? '', status: response.status, at: Date.now() });
    send(res, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only writing the response can fail here, such as a fault with an invalid header value.
      logger?.warn({ err: error instanceof Error ? error.message : String(error), method: req.method, path: req.url }, 'Upstox simulator failed to send a response');
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger?.info({ url }, 'Upstox simulator started');

  return {
    url,
    port: address.port,
    stats: () => {
      const byApi: SimulatorStats['byApi'] = {};
      for (const [key, s] of rate.stats()) byApi[key] = { accepted: s.admitted, rejected429: s.rejected, maxInWindow: { ...s.maxima } };
      return { ...counters, byApi };
    },
    resetStats: () => {
      counters.requests = 0;
      counters.accepted = 0;
      counters.rejected429 = 0;
      rate.resetStats();
    },
    injectFaults: (...added) => faults.add(added),
    clearFaults: () => faults.clear(),
    requestLog: () => log.list(),
    close: async () => {
      for (const delay of [...delays]) delay.resolve();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of a client pool would otherwise hold close() open.
        server.closeAllConnections();
      });
      logger?.info({ url }, 'Upstox simulator stopped');
    },
  };
}

function send(res: ServerResponse, response: SimulatorResponse): void {
  // A client that timed out during a delay fault has already closed the connection.
  if (res.destroyed) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, { ...response.headers, 'content-type': response.contentType, 'content-length': String(body.length) });
  res.end(body);
}

// A 200 whose JSON stops halfway, with a Content-Length that matches the cut body, as a
// proxy that drops the rest of an upstream response would send.
function truncated(normal: SimulatorResponse): SimulatorResponse {
  const bytes = typeof normal.body === 'string' ? Buffer.from(normal.body, 'utf8') : normal.body;
  return { status: 200, contentType: 'application/json', body: bytes.subarray(0, Math.floor(bytes.length / 2)) };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

// The module sits at src/simulator (or dist/src/simulator once compiled), so the data folder
// is found by walking up to the directory that contains data/recorded.
function defaultDataDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'data', 'recorded');
    if (existsSync(join(candidate, INSTRUMENTS_FILE))) return candidate;
    if (dirname(dir) === dir) return join(start, '..', '..', 'data', 'recorded');
  }
}
