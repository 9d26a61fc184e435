// Response bodies in the shapes the real Upstox API sends. Each error entry carries the
// snake_case fields and their deprecated camelCase twins with the same values, in the key
// order of recorded bodies, because clients read either spelling.

/** The Upstox error codes and messages that the simulator sends, with their HTTP status. */
export const UPSTOX_ERRORS = {
  invalidToken: { status: 401, code: 'UDAPI100050', message: 'Invalid token used to access API' },
  rateLimited: { status: 429, code: 'UDAPI10005', message: 'Too Many Request Sent' },
  keyFormat: { status: 400, code: 'UDAPI1021', message: 'Instrument key is of invalid format' },
  unknownKey: { status: 400, code: 'UDAPI100011', message: 'Invalid Instrument key' },
  invalidUnit: { status: 400, code: 'UDAPI1146', message: 'Invalid unit' },
  invalidInterval: { status: 400, code: 'UDAPI1147', message: 'Invalid interval' },
  invalidDates: {
    status: 400,
    code: 'UDAPI1015',
    message: 'to_date must be greater than or equal to from_date and Date should be in valid format: yyyy-mm-dd',
  },
  invalidDateRange: { status: 400, code: 'UDAPI1148', message: 'Invalid date range' },
  notFound: { status: 404, code: 'UDAPI100060', message: 'Resource not Found' },
  // Upstox documents HTTP 405 without a code; UDAPI10000 is its generic "request not supported".
  methodNotAllowed: { status: 405, code: 'UDAPI10000', message: 'Request not supported' },
  serverError: { status: 500, code: 'UDAPI100500', message: 'Unexpected server error' },
  // NOTE: Upstox does not document the Analytics Token's static-IP rejection; a third-party
  // integration maps UDAPI1154 to "static IP not whitelisted", so the simulator sends that.
  staticIpRejected: { status: 403, code: 'UDAPI1154', message: 'Request is not from a whitelisted static IP' },
  planRequired: { status: 400, code: 'UDAPI1149', message: 'This API is available only with Upstox Plus' },
  invalidInput: { status: 400, code: 'UDAPI100036', message: 'Invalid input' },
  tooManyKeys: { status: 400, code: 'UDAPI100043', message: 'Too many instrument keys' },
} as const;

export type UpstoxErrorKind = keyof typeof UPSTOX_ERRORS;

/** A complete HTTP response before it is written to the socket. */
export interface SimulatorResponse {
  readonly status: number;
  readonly contentType: string;
  /** A string is sent as UTF-8; a Buffer is sent as is. */
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One candle row: `[timestamp, open, high, low, close, volume, open_interest]`. */
export type CandleRow = readonly [string, number, number, number, number, number, number];

const JSON_TYPE = 'application/json';

/**
 * Builds an error response with the Upstox envelope. `propertyPath` and `invalidValue` name the
 * rejected path parameter. Recorded bodies for auth, rate and range errors carry null there.
 */
export function errorResponse(
  kind: UpstoxErrorKind,
  propertyPath: string | null = null,
  invalidValue: string | null = null,
): SimulatorResponse {
  const { status, code, message } = UPSTOX_ERRORS[kind];
  const entry = {
    errorCode: code,
    message,
    propertyPath,
    invalidValue,
    error_code: code,
    property_path: propertyPath,
    invalid_value: invalidValue,
  };
  const headers: Record<string, string> = kind === 'methodNotAllowed' ? { allow: 'GET' } : {};
  return { status, contentType: JSON_TYPE, body: JSON.stringify({ status: 'error', errors: [entry] }), headers };
}

/** Builds a success response: `{"status":"success","data":…}` plus sibling blocks such as `meta_data`. */
export function successResponse(data: unknown, siblings: Readonly<Record<string, unknown>> = {}): SimulatorResponse {
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ status: 'success', data, ...siblings }) };
}

/**
 * Builds an error response with a code and message of the caller's choice, for endpoint
 * errors outside the shared table (such as UDAPI1089 for an invalid exchange).
 */
export function customErrorResponse(status: number, code: string, message: string, propertyPath: string | null = null, invalidValue: unknown = null): SimulatorResponse {
  const entry = { errorCode: code, message, propertyPath, invalidValue, error_code: code, property_path: propertyPath, invalid_value: invalidValue };
  return { status, contentType: JSON_TYPE, body: JSON.stringify({ status: 'error', errors: [entry] }) };
}

/** Builds the success response of a candle endpoint; `rows` must already be newest first. */
export function candleResponse(rows: readonly CandleRow[]): SimulatorResponse {
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ status: 'success', data: { candles: rows } }) };
}
