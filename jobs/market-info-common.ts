import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CandleValidationError } from '../src/candles/normalise.js';
import { MarketInfoValueError } from '../src/normalise/market-info.js';
import { UpstoxSchemaError } from '../src/upstox/errors.js';
import { isoDateField } from './payload-fields.js';

// Helpers shared by the market-information and expired-instrument jobs.

/** The parts of a response that a normaliser error carries into quarantine. */
export interface ResponseBody {
  readonly path: string;
  readonly status?: number;
  readonly rawBody: string;
}

/**
 * Runs a normaliser and turns an impossible value ({@link MarketInfoValueError} or
 * `CandleValidationError`) into the {@link UpstoxSchemaError} of the response, so the worker
 * fails the job without retries and keeps the body in quarantine; other errors pass.
 */
export function normaliseBody<T>(api: string, response: ResponseBody, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof MarketInfoValueError || error instanceof CandleValidationError)) throw error;
    throw new UpstoxSchemaError(
      `GET ${response.path} returned values that cannot be real: ${error.message}`,
      { api, path: response.path, status: response.status ?? 200, bodySnippet: response.rawBody.slice(0, 200), cause: error },
      response.rawBody,
      error.issues,
    );
  }
}

/** Splits a comma-separated string into trimmed, non-empty items; other values pass through. */
export function splitList(value: unknown): unknown {
  return typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;
}

/** Returns a payload field for a non-empty list of dates as `YYYY-MM-DD`, sorted, each once, at most `max`. */
export function isoDateListField(max: number) {
  return z
    .preprocess(splitList, z.array(isoDateField).min(1).max(max))
    .transform((dates) => [...new Set(dates)].sort());
}

/**
 * Returns a job-id part for a list: the items joined with `+` while short, else the count and
 * a hash of the items, because BullMQ keeps ids in Redis keys.
 */
export function listPart(items: readonly string[]): string {
  const joined = items.join('+');
  if (joined.length <= 60) return joined;
  return `${items.length}x${createHash('sha256').update(items.join('\n')).digest('hex').slice(0, 12)}`;
}
