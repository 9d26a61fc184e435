import { ZodError } from 'zod';
import { CandleValidationError } from '../candles/normalise.js';
import { BudgetExhaustedError } from '../rate-budget/rate-budget.js';
import { InvalidInstrumentKeyError } from '../upstox/instrument-key.js';
import {
  UpstoxAuthError,
  UpstoxBlockedError,
  UpstoxInvalidRequestError,
  UpstoxRateLimitError,
  UpstoxPlanRequiredError,
  UpstoxSchemaError,
  UpstoxStaticIpError,
} from '../upstox/errors.js';

/** What the worker does after a job throws. */
export type FailureAction =
  /** Transient: network, timeout, 5xx, an unexpected body, a store outage. Retried with exponential backoff and jitter. */
  | { readonly kind: 'retry' }
  /** Our rate budget has no slot yet: the job goes back to wait for `waitMs`, without using an attempt or sending anything. */
  | { readonly kind: 'wait-for-budget'; readonly waitMs: number }
  /** Upstox answered 429: the API's budget pauses, and the job goes back to wait without using an attempt. */
  | { readonly kind: 'rate-limited'; readonly api: string; readonly retryAfterMs: number | undefined }
  /** An account API refused the caller's IP: the account's account-data jobs stop, with one alert; market data goes on. */
  | { readonly kind: 'disable-account-data' }
  /** The token or the caller is rejected: the account's queues pause and one alert is raised. */
  | { readonly kind: 'pause-account'; readonly alertKind: 'token_invalid' | 'blocked' }
  /** Permanent: retrying returns the same answer. */
  | { readonly kind: 'give-up' };

/**
 * The one table that decides what is retried. Unknown errors are retried, because a store or
 * network fault is far more likely than a bug that a retry would repeat; the attempt limit
 * bounds the cost of a wrong guess.
 */
export function classifyFailure(error: unknown): FailureAction {
  if (error instanceof BudgetExhaustedError) return { kind: 'wait-for-budget', waitMs: error.waitMs };
  if (error instanceof UpstoxRateLimitError) return { kind: 'rate-limited', api: error.api, retryAfterMs: error.retryAfterMs };
  if (error instanceof UpstoxAuthError) return { kind: 'pause-account', alertKind: 'token_invalid' };
  if (error instanceof UpstoxBlockedError) return { kind: 'pause-account', alertKind: 'blocked' };
  if (error instanceof UpstoxStaticIpError) return { kind: 'disable-account-data' };
  if (
    error instanceof UpstoxPlanRequiredError ||
    error instanceof UpstoxInvalidRequestError ||
    error instanceof UpstoxSchemaError ||
    error instanceof CandleValidationError ||
    error instanceof InvalidInstrumentKeyError ||
    error instanceof ZodError
  ) {
    return { kind: 'give-up' };
  }
  return { kind: 'retry' };
}

/** Delay before retry number `attemptsMade` (1 for the first retry): exponential from 2 s, capped at 5 minutes, drawn at random from the upper half so that retries spread out. */
export function retryDelayMs(attemptsMade: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 2_000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
