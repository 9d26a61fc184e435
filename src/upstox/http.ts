import { Agent, errors as undiciErrors, request as sendRequest, type Dispatcher } from 'undici';
import {
  AUTH_ERROR_CODES,
  PLAN_REQUIRED_ERROR_CODE,
  RATE_LIMIT_ERROR_CODE,
  STATIC_IP_ERROR_CODES,
  UpstoxAuthError,
  UpstoxBlockedError,
  UpstoxInvalidRequestError,
  UpstoxNetworkError,
  UpstoxPlanRequiredError,
  UpstoxRateLimitError,
  UpstoxStaticIpError,
  UpstoxServerError,
  UpstoxTimeoutError,
  UpstoxUnexpectedBodyError,
  type UpstoxErrorDetails,
  type UpstoxErrorEntry,
} from './errors.js';

export interface UpstoxHttpOptions {
  /** Such as `https://api.upstox.com`, or the simulator's address. */
  readonly baseUrl: string;
  /** The token, or a function that returns the current one (for a token file that may be replaced). */
  readonly token: string | (() => string);
  readonly requestTimeoutMs: number;
  readonly userAgent?: string;
  /** The largest body read, in bytes; a larger one is an unexpected body. */
  readonly maxBodyBytes?: number;
  /** Hears every response status (or `network`/`timeout` when none came) with its duration, for metrics. */
  readonly observer?: (api: string, status: number | 'network' | 'timeout', durationMs: number) => void;
}

/**
 * Decides whether a request may be sent now, such as the shared rate budget of one priority
 * class. `acquire` throws, with the wait, when the request must not go yet; otherwise it may
 * return a permit whose `settle` runs once the response (or a failure) has arrived.
 */
export interface RequestGate {
  acquire(api: string): Promise<{ settle(): Promise<void> } | void>;
}

export interface UpstoxRequest {
  /** The API's name, such as `historical-candle`; rate budgets and errors are kept per API. */
  readonly api: string;
  /** Already encoded (see `encodeInstrumentKey`). */
  readonly path: string;
  /** Values are passed through as written, so callers encode each value once. */
  readonly query?: Readonly<Record<string, string>>;
  readonly gate?: RequestGate;
}

export interface UpstoxResponse {
  readonly status: number;
  /** The path and query that were requested, for logs and errors. */
  readonly path: string;
  readonly body: unknown;
  /** The body as received, for the quarantine table. */
  readonly rawBody: string;
}

const SNIPPET_CHARS = 200;
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * An undici interceptor that rejects every method but GET before anything reaches the
 * network. The Analytics Token is read-only, and a write sent by mistake must fail here.
 */
export function getOnlyInterceptor(dispatch: Dispatcher['dispatch']): Dispatcher['dispatch'] {
  return (options, handler) => {
    if (options.method !== 'GET') {
      throw new TypeError(`the Upstox client sends only GET requests; ${String(options.method)} ${options.path} was rejected`);
    }
    return dispatch(options, handler);
  };
}

/** The transport of the Upstox client: GET only, bearer token, timeouts, envelope errors. */
export class UpstoxHttp {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly requestTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly observer: UpstoxHttpOptions['observer'];
  // The token lives only inside these closures, so it never shows up in util.inspect,
  // JSON.stringify or an error that captures this object.
  private readonly headers: () => Record<string, string>;
  private readonly scrub: (text: string) => string;

  constructor(options: UpstoxHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.observer = options.observer;
    const tokenOf = typeof options.token === 'function' ? options.token : ((token: string) => () => token)(options.token);
    // Every token used so far, so that a body echoing an older one is scrubbed too.
    const used = new Set<string>();
    const userAgent = options.userAgent ?? 'upstox-ingest/0.1 (+https://github.com/upstox-ingest)';
    this.headers = () => {
      const token = tokenOf();
      used.add(token);
      return { authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': userAgent };
    };
    this.scrub = (text) => {
      let clean = text;
      for (const token of used) if (token.length > 0 && clean.includes(token)) clean = clean.split(token).join('[redacted]');
      return clean;
    };
    this.dispatcher = new Agent({
      connections: 16,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    }).compose(getOnlyInterceptor);
  }

  /** Sends one GET once the request's gate, if any, lets it go. */
  async get(request: UpstoxRequest): Promise<UpstoxResponse> {
    const { api, path, query } = request;
    const permit = await request.gate?.acquire(api);
    const search = query ? Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&') : '';
    const requestPath = search ? `${path}?${search}` : path;
    let response: Dispatcher.ResponseData;
    let text: string;
    const started = performance.now();
    try {
      response = await sendRequest(this.baseUrl + requestPath, {
        dispatcher: this.dispatcher,
        method: 'GET',
        headers: this.headers(),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      // A body that echoes the token (a proxy error page, a debugging server) must not carry
      // it into errors, logs or the quarantine table.
      text = this.scrub(await this.readBody(response, requestPath, api));
    } catch (error) {
      const mapped = this.transportError(error, requestPath, api);
      this.observer?.(api, mapped instanceof UpstoxTimeoutError ? 'timeout' : 'network', performance.now() - started);
      throw mapped;
    } finally {
      await permit?.settle();
    }
    this.observer?.(api, response.statusCode, performance.now() - started);
    return this.interpret(response.statusCode, response.headers, text, requestPath, api);
  }

  /**
   * Sends one GET and returns the body as a stream, for large files such as the gzipped
   * instruments master. `url` is absolute, because those files are served from another host.
   * A status other than 200 is read and thrown as the same typed errors as `get`.
   */
  async getStream(request: { api: string; url: string; gate?: RequestGate; bodyTimeoutMs?: number }): Promise<{ status: number; headers: Dispatcher.ResponseData['headers']; body: Dispatcher.ResponseData['body'] }> {
    const permit = await request.gate?.acquire(request.api);
    const path = new URL(request.url).pathname;
    let response: Dispatcher.ResponseData;
    try {
      response = await sendRequest(request.url, {
        dispatcher: this.dispatcher,
        method: 'GET',
        headers: { 'user-agent': this.headers()['user-agent']!, accept: '*/*' },
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs ?? this.requestTimeoutMs,
      });
    } catch (error) {
      throw this.transportError(error, path, request.api);
    } finally {
      await permit?.settle();
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = this.scrub(await response.body.text().catch(() => ''));
      return this.interpret(response.statusCode, response.headers, text, path, request.api) as never;
    }
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async readBody(response: Dispatcher.ResponseData, path: string, api: string): Promise<string> {
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > this.maxBodyBytes) {
      await response.body.dump();
      throw new UpstoxUnexpectedBodyError(`GET ${path} returned a body of ${declared} bytes, above the limit of ${this.maxBodyBytes}`, {
        api,
        path,
        status: response.statusCode,
      });
    }
    return response.body.text();
  }

  private transportError(error: unknown, path: string, api: string): Error {
    if (error instanceof UpstoxUnexpectedBodyError) return error;
    if (error instanceof TypeError && error.message.startsWith('the Upstox client sends only GET')) return error;
    const timedOut =
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'));
    const detail = this.scrub(error instanceof Error ? error.message : String(error));
    if (timedOut) {
      return new UpstoxTimeoutError(`GET ${path} timed out after ${this.requestTimeoutMs} ms; the job retries it`, { api, path });
    }
    return new UpstoxNetworkError(`GET ${path} failed before a complete response arrived: ${detail}; the job retries it`, {
      api,
      path,
      cause: error instanceof Error ? new Error(detail) : undefined,
    });
  }

  private interpret(status: number, headers: Dispatcher.ResponseData['headers'], text: string, path: string, api: string): UpstoxResponse {
    const contentType = String(headers['content-type'] ?? '');
    const parsed = tryParseJson(text);
    const snippet = this.snippet(text);
    if (status >= 200 && status < 300) {
      if (parsed.ok && isSuccessEnvelope(parsed.value)) return { status, path, body: parsed.value, rawBody: text };
      if (parsed.ok && isErrorEnvelope(parsed.value)) {
        // A success status carrying the error envelope: classify it by its error code.
        throw this.httpError(400, parsed.value.errors, snippet, path, api, undefined);
      }
      let what = 'a body that is not valid JSON (truncated or malformed)';
      if (looksLikeHtml(text, contentType)) what = 'an HTML page';
      else if (parsed.ok) what = 'JSON without the success envelope';
      throw new UpstoxUnexpectedBodyError(`GET ${path} returned HTTP ${status} with ${what}: ${snippet}`, { api, path, status, bodySnippet: snippet });
    }
    const entries = parsed.ok && isErrorEnvelope(parsed.value) ? parsed.value.errors : [];
    if (status === 403 && !parsed.ok) {
      throw new UpstoxBlockedError(
        `GET ${path} returned HTTP 403 with a non-JSON page, so requests are being blocked upstream; ` +
          `the account's jobs are paused until an operator resumes them: ${snippet}`,
        { api, path, status, bodySnippet: snippet },
      );
    }
    throw this.httpError(status, entries, snippet, path, api, headers['retry-after']);
  }

  private httpError(
    status: number,
    rawEntries: readonly Record<string, unknown>[],
    snippet: string,
    path: string,
    api: string,
    retryAfter: string | string[] | undefined,
  ): Error {
    const upstoxErrors = rawEntries.map(normaliseEntry);
    const codes = upstoxErrors.map((e) => e.errorCode).filter((c): c is string => c !== undefined);
    const summary = upstoxErrors.length > 0 ? upstoxErrors.map(describeEntry).join('; ') : snippet;
    const details: UpstoxErrorDetails = { api, path, status, upstoxErrors, bodySnippet: snippet };
    if (status === 429 || codes.includes(RATE_LIMIT_ERROR_CODE)) {
      const retryAfterMs = parseRetryAfter(retryAfter);
      return new UpstoxRateLimitError(`GET ${path} was rate limited (HTTP ${status}): ${summary}`, details, retryAfterMs);
    }
    if (status === 401 || codes.some((c) => AUTH_ERROR_CODES.has(c))) {
      return new UpstoxAuthError(
        `GET ${path} was rejected because the access token is invalid or expired (HTTP ${status}): ${summary}; ` +
          `set a new token in UPSTOX_ACCESS_TOKEN or UPSTOX_ACCESS_TOKEN_FILE, then resume with "upstox-ingest resume"`,
        details,
      );
    }
    const staticIp = codes.some((c) => STATIC_IP_ERROR_CODES.has(c)) || (status === 403 && upstoxErrors.some((e) => /static ip|whitelist/i.test(e.message ?? '')));
    if (staticIp) {
      return new UpstoxStaticIpError(
        `GET ${path} was refused because the request did not come from the account's registered static IP (HTTP ${status}): ${summary}; ` +
          `register this machine's public IP under Static IP in the Upstox developer apps page (changes allowed once a week), ` +
          `then run "upstox-ingest resume"; market data is not affected`,
        details,
      );
    }
    if (codes.includes(PLAN_REQUIRED_ERROR_CODE)) {
      return new UpstoxPlanRequiredError(`GET ${path} needs an Upstox Plus plan, which this account does not have (HTTP ${status}): ${summary}`, details);
    }
    if (status >= 500) {
      return new UpstoxServerError(`GET ${path} failed with HTTP ${status}: ${summary}; the job retries it`, details);
    }
    return new UpstoxInvalidRequestError(`GET ${path} was rejected with HTTP ${status}: ${summary}`, details);
  }

  private snippet(text: string): string {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
  }
}

type ParseResult = { ok: true; value: unknown } | { ok: false };

function tryParseJson(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isSuccessEnvelope(value: unknown): value is { status: 'success'; data: unknown } {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'success';
}

function isErrorEnvelope(value: unknown): value is { status: string; errors: Record<string, unknown>[] } {
  if (typeof value !== 'object' || value === null) return false;
  const errors = (value as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.every((e) => typeof e === 'object' && e !== null);
}

function looksLikeHtml(text: string, contentType: string): boolean {
  return contentType.includes('text/html') || /^\s*</.test(text);
}

// Upstox sends snake_case fields and deprecated camelCase twins; either may be missing.
function normaliseEntry(raw: Record<string, unknown>): UpstoxErrorEntry {
  const pick = (snake: string, camel: string): unknown => (raw[snake] !== undefined ? raw[snake] : raw[camel]);
  const code = pick('error_code', 'errorCode');
  const message = pick('message', 'message');
  const propertyPath = pick('property_path', 'propertyPath');
  return {
    errorCode: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
    propertyPath: typeof propertyPath === 'string' ? propertyPath : null,
    invalidValue: pick('invalid_value', 'invalidValue') ?? null,
  };
}

function describeEntry(entry: UpstoxErrorEntry): string {
  const parts = [entry.errorCode ?? 'no code', entry.message ?? 'no message'];
  if (entry.propertyPath) parts.push(`at ${entry.propertyPath}`);
  if (entry.invalidValue !== null && entry.invalidValue !== undefined) parts.push(`value ${JSON.stringify(entry.invalidValue)}`);
  return parts.join(' ');
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
