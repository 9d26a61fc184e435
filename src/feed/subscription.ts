import { randomUUID } from 'node:crypto';
import { FEED_MODES, type FeedMode } from '../normalise/feed.js';
import { assertInstrumentKey } from '../upstox/instrument-key.js';

// Subscription requests of the Market Data Feed V3. A request is JSON sent as a binary
// websocket frame (the official SDKs send it that way, not as text):
//   {"guid":"…","method":"sub","data":{"mode":"full","instrumentKeys":["NSE_INDEX|Nifty 50"]}}
// `method` is `sub`, `change_mode` or `unsub`; keys are raw, not URL-encoded.

export type FeedMethod = 'sub' | 'change_mode' | 'unsub';

/** One subscription request as sent on the wire. */
export interface FeedRequest {
  readonly guid: string;
  readonly method: FeedMethod;
  readonly data: { readonly mode?: FeedMode; readonly instrumentKeys: readonly string[] };
}

/** Keys allowed on one connection when only this mode is used (Upstox's "individual limit"). */
export const FEED_KEY_LIMITS: Readonly<Record<FeedMode, number>> = { ltpc: 5000, option_greeks: 3000, full: 2000, full_d30: 50 };

/**
 * Keys allowed per mode on one connection that uses several modes (the "combined limit").
 * Upstox gives none for `full_d30`, so its individual limit applies.
 */
export const FEED_COMBINED_KEY_LIMITS: Readonly<Record<FeedMode, number>> = { ltpc: 2000, option_greeks: 2000, full: 1500, full_d30: 50 };

/**
 * Keys per subscribe request.
 * NOTE: Upstox documents no limit per request, only per connection; 100 keeps each request
 * small, and a whole 2000-key `full` subscription still takes only 20 requests.
 */
export const DEFAULT_SUBSCRIBE_BATCH = 100;

/** A subscription that Upstox would reject, or a malformed request; the message names the value. */
export class FeedSubscriptionError extends Error {
  readonly code = 'FEED_SUBSCRIPTION_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'FeedSubscriptionError';
  }
}

/** Returns true when `value` is one of the feed modes. */
export function isFeedMode(value: string): value is FeedMode {
  return (FEED_MODES as readonly string[]).includes(value);
}

/**
 * Checks the keys of a one-mode subscription and returns them without duplicates, in the order
 * given. Throws {@link FeedSubscriptionError} for an empty list, an invalid key or more keys
 * than one connection takes in that mode.
 */
export function checkSubscription(keys: readonly string[], mode: string): string[] {
  if (!isFeedMode(mode)) throw new FeedSubscriptionError(`invalid feed mode ${JSON.stringify(mode)}: expected one of ${FEED_MODES.join(', ')}`);
  const unique = [...new Set(keys.map((key) => key.trim()).filter((key) => key !== ''))];
  if (unique.length === 0) throw new FeedSubscriptionError('no instrument keys given: the feed needs at least one, such as "NSE_INDEX|Nifty 50"');
  for (const key of unique) {
    try {
      assertInstrumentKey(key);
    } catch (error) {
      throw new FeedSubscriptionError((error as Error).message);
    }
  }
  const limit = FEED_KEY_LIMITS[mode];
  if (unique.length > limit) {
    throw new FeedSubscriptionError(
      `${unique.length} instrument keys given for mode ${mode}, but one connection takes at most ${limit} in that mode ` +
        'and Upstox allows one connection per user; drop keys or use a mode with a higher limit (ltpc takes 5000)',
    );
  }
  return unique;
}

/** Builds the subscribe requests for `keys` in `mode`, `batchSize` keys each, as binary frames. */
export function subscribeFrames(keys: readonly string[], mode: FeedMode, batchSize = DEFAULT_SUBSCRIBE_BATCH, guid: () => string = randomUUID): Buffer[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`invalid subscribe batch size ${batchSize}: expected a whole number of 1 or more`);
  const frames: Buffer[] = [];
  for (let start = 0; start < keys.length; start += batchSize) {
    const request: FeedRequest = { guid: guid(), method: 'sub', data: { mode, instrumentKeys: keys.slice(start, start + batchSize) } };
    frames.push(Buffer.from(JSON.stringify(request), 'utf8'));
  }
  return frames;
}

/**
 * Parses one subscription request, binary or text. `sub` without a mode means `ltpc`, as
 * Upstox documents; `change_mode` needs a mode. Throws {@link FeedSubscriptionError}.
 */
export function parseFeedRequest(payload: Buffer | string): FeedRequest {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FeedSubscriptionError(`a feed request is not JSON: ${text.slice(0, 120)}`);
  }
  const request = body as { guid?: unknown; method?: unknown; data?: { mode?: unknown; instrumentKeys?: unknown } } | null;
  const method = request?.method;
  if (method !== 'sub' && method !== 'change_mode' && method !== 'unsub') {
    throw new FeedSubscriptionError(`invalid feed request method ${JSON.stringify(method)}: expected sub, change_mode or unsub`);
  }
  const keys = request?.data?.instrumentKeys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((key) => typeof key === 'string')) {
    throw new FeedSubscriptionError('invalid feed request: data.instrumentKeys must be a non-empty array of instrument keys');
  }
  const rawMode = request?.data?.mode;
  if (rawMode !== undefined && (typeof rawMode !== 'string' || !isFeedMode(rawMode))) {
    throw new FeedSubscriptionError(`invalid feed mode ${JSON.stringify(rawMode)}: expected one of ${FEED_MODES.join(', ')}`);
  }
  if (method === 'change_mode' && rawMode === undefined) throw new FeedSubscriptionError('invalid feed request: change_mode needs data.mode');
  const mode = rawMode ?? (method === 'sub' ? 'ltpc' : undefined);
  return { guid: typeof request?.guid === 'string' ? request.guid : '', method, data: { mode, instrumentKeys: keys as string[] } };
}
