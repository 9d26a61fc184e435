// Typed errors of the Upstox client. Each class exists because the worker branches on it:
// retry, wait for the rate budget, pause the account, or give up. The `code` of each class is
// stable and listed in the README. No error carries the access token: request paths never
// contain it, and body snippets pass through the client's scrubber first.

/** One entry of the `errors` array of the Upstox error envelope. */
export interface UpstoxErrorEntry {
  readonly errorCode?: string;
  readonly message?: string;
  readonly propertyPath?: string | null;
  readonly invalidValue?: unknown;
}

export interface UpstoxErrorDetails {
  /** The API's name, such as `historical-candle`. */
  readonly api: string;
  readonly path: string;
  readonly status?: number;
  readonly upstoxErrors?: readonly UpstoxErrorEntry[];
  readonly bodySnippet?: string;
  readonly cause?: unknown;
}

/** The base class: the request, the HTTP status, the Upstox error code and a short body snippet. */
export class UpstoxError extends Error {
  readonly code: string = 'UPSTOX_ERROR';
  /** Always GET: the client sends nothing else. */
  readonly method = 'GET';
  readonly api: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly upstoxErrors: readonly UpstoxErrorEntry[];
  readonly bodySnippet: string | undefined;

  constructor(message: string, details: UpstoxErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.api = details.api;
    this.path = details.path;
    this.status = details.status;
    this.upstoxErrors = details.upstoxErrors ?? [];
    this.bodySnippet = details.bodySnippet;
  }

  /** The first Upstox error code of the envelope, such as `UDAPI1148`. */
  get upstoxCode(): string | undefined {
    return this.upstoxErrors.find((e) => e.errorCode)?.errorCode;
  }

  /** A plain object for logs and the run history. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      method: this.method,
      api: this.api,
      path: this.path,
      status: this.status,
      upstoxCode: this.upstoxCode,
      upstoxErrors: this.upstoxErrors,
      bodySnippet: this.bodySnippet,
    };
  }
}

/** 401 or UDAPI100050 and its kin: the token is invalid, expired or revoked. Stops the account's work. */
export class UpstoxAuthError extends UpstoxError {
  override readonly code = 'UPSTOX_AUTH';
}

/** 429 or UDAPI10005: a rate window is full. Waits on the rate budget and never uses up a retry. */
export class UpstoxRateLimitError extends UpstoxError {
  override readonly code = 'UPSTOX_RATE_LIMITED';
  constructor(
    message: string,
    details: UpstoxErrorDetails,
    /** From a `Retry-After` header when the response had one; Upstox documents none. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message, details);
  }
}

/** A 403 answered with an HTML page instead of the API's JSON: the caller is blocked upstream. */
export class UpstoxBlockedError extends UpstoxError {
  override readonly code = 'UPSTOX_BLOCKED';
}

/**
 * An account API refused because the request did not come from the account's registered
 * static IP. The account's account-data jobs stop; market data goes on.
 */
export class UpstoxStaticIpError extends UpstoxError {
  override readonly code = 'UPSTOX_STATIC_IP';
}

/** UDAPI1149: the API needs an Upstox Plus plan, which the account does not have. Permanent. */
export class UpstoxPlanRequiredError extends UpstoxError {
  override readonly code = 'UPSTOX_PLAN_REQUIRED';
}

/** Other 4xx answers: the request itself is wrong. Permanent; retrying returns the same. */
export class UpstoxInvalidRequestError extends UpstoxError {
  override readonly code = 'UPSTOX_INVALID_REQUEST';
}

/** 5xx answers, whatever their body. Retried with backoff. */
export class UpstoxServerError extends UpstoxError {
  override readonly code = 'UPSTOX_SERVER_ERROR';
}

/** No HTTP answer: refused, reset or unreachable. Retried with backoff. */
export class UpstoxNetworkError extends UpstoxError {
  override readonly code: string = 'UPSTOX_NETWORK_ERROR';
}

/** No complete answer within the request timeout. Retried with backoff. */
export class UpstoxTimeoutError extends UpstoxNetworkError {
  override readonly code = 'UPSTOX_TIMEOUT';
}

/** A success status with a body that is not JSON: an HTML page or truncated JSON. Retried with backoff. */
export class UpstoxUnexpectedBodyError extends UpstoxError {
  override readonly code = 'UPSTOX_UNEXPECTED_BODY';
}

/**
 * Well-formed JSON that does not match the endpoint's schema. Permanent: the body goes to
 * quarantine with the reason.
 */
export class UpstoxSchemaError extends UpstoxError {
  override readonly code = 'UPSTOX_SCHEMA_MISMATCH';
  constructor(
    message: string,
    details: UpstoxErrorDetails,
    /** The whole response body, for the quarantine table. */
    readonly rawBody: string,
    /** What failed validation, one line per issue. */
    readonly issues: readonly string[],
  ) {
    super(message, details);
  }
}

/** Upstox error codes that mean the token itself is unusable. */
export const AUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  'UDAPI100050', // Invalid token used to access API
  'UDAPI100016', // Invalid credentials
  'UDAPI100073', // client_id inactive
]);

export const RATE_LIMIT_ERROR_CODE = 'UDAPI10005';

/**
 * Codes that mean the request came from an IP other than the account's registered static IP.
 * NOTE: Upstox does not document this error for the Analytics Token; UDAPI1154 is what a
 * third-party integration maps to "static IP not whitelisted". A 403 whose message mentions a
 * static IP is treated the same way.
 */
export const STATIC_IP_ERROR_CODES: ReadonlySet<string> = new Set(['UDAPI1154']);

export const PLAN_REQUIRED_ERROR_CODE = 'UDAPI1149';
