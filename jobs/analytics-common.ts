import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AnalyticsValueError } from '../src/normalise/analytics.js';
import type { EndpointResponse } from '../src/upstox/endpoint.js';
import { UpstoxSchemaError } from '../src/upstox/errors.js';

// Helpers shared by the market-analytics, fundamentals, corporate-actions and news jobs.

/** Splits a comma-separated string into trimmed, non-empty items; other values pass through. */
export function splitList(value: unknown): unknown {
  return typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;
}

/** Returns a payload field for 1 to `max` ISINs, deduplicated in order. */
export function isinListField(max: number) {
  return z
    .preprocess(splitList, z.array(z.string().regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'expected an ISIN such as INE002A01018')).min(1).max(max))
    .transform((isins) => [...new Set(isins)]);
}

/** Returns a payload field for a non-empty list of `values`, deduplicated in order, that defaults to all of them. */
export function enumListField<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .preprocess(splitList, z.array(z.enum(values)).min(1))
    .transform((items) => [...new Set(items)])
    .default([...values]);
}

/** Reads a boolean that may arrive as the text `true` or `false` from the CLI. */
export const booleanField = z.preprocess((value) => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}, z.boolean());

/**
 * Returns a job-id part for a list: the items joined with `+` while short, else the count and
 * a hash of the items, because BullMQ keeps ids in Redis keys.
 */
export function listPart(items: readonly string[]): string {
  const joined = items.join('+');
  if (joined.length <= 60) return joined;
  return `${items.length}x${createHash('sha256').update(items.join('\n')).digest('hex').slice(0, 12)}`;
}

/** Returns a short hash of the settings that change a job's requests without naming its subject. */
export function settingsPart(settings: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(Object.keys(settings).sort().map((k) => [k, settings[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

/**
 * Runs a normaliser on a response and turns an {@link AnalyticsValueError} into an
 * {@link UpstoxSchemaError}, so the worker fails the job without retries and keeps the body
 * in quarantine, as it does for a body that fails validation.
 */
export function normaliseResponse<T>(response: EndpointResponse<unknown>, api: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof AnalyticsValueError)) throw error;
    throw new UpstoxSchemaError(
      `GET ${response.path} returned a value that cannot be right: ${error.message}`,
      { api, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200), cause: error },
      response.rawBody,
      [error.message],
    );
  }
}
