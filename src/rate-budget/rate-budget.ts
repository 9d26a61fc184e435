import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PAUSE_SCRIPT, SETTLE_SCRIPT, TAKE_SCRIPT } from './budget-script.js';

/** Priority classes, highest first. Higher classes may use budget that lower ones must leave. */
export const PRIORITY_CLASSES = ['live', 'nightly', 'backfill'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Requests allowed per window, as Upstox publishes them for its standard read APIs. */
export interface RateLimits {
  readonly perSecond: number;
  readonly perMinute: number;
  readonly perHalfHour: number;
}

export interface RateBudgetOptions {
  readonly redis: Redis;
  /** Prefix of the budget's Redis keys; the queue prefix, so that a hash tag keeps one budget in one cluster slot. */
  readonly keyPrefix: string;
  readonly account: string;
  readonly limits: RateLimits;
  /** Divides every window length, to run the 30-minute window in seconds in tests and benchmarks. */
  readonly windowScale: number;
  /**
   * Added to every window length after scaling, in milliseconds, because a request admitted
   * here reaches Upstox a little later and that latency varies. Latency does not shrink with
   * the window scale, so neither does the margin.
   */
  readonly marginMs: number;
  /** Fractions of each window kept for higher classes: `live` for live work, `nightly` for live and nightly work. */
  readonly reserve: { readonly live: number; readonly nightly: number };
  /** Maps an API name to its budget group; an API without an entry has a budget of its own. */
  readonly groupOf: (api: string) => string;
}

/** No request slot is free for this priority class yet. Carries how long to wait; never uses up a retry. */
export class BudgetExhaustedError extends Error {
  readonly code = 'RATE_BUDGET_EXHAUSTED';
  constructor(
    readonly api: string,
    readonly priority: PriorityClass,
    readonly waitMs: number,
  ) {
    super(`no ${priority} request slot free for ${api} for another ${waitMs} ms; the job waits without using an attempt`);
    this.name = 'BudgetExhaustedError';
  }
}

/** A taken request slot; `settle` records when the request's response arrived. */
export interface BudgetSlot {
  settle(): Promise<void>;
}

/** One window of one budget as the `budget` command shows it. */
export interface WindowUsage {
  readonly name: 'second' | 'minute' | 'halfHour';
  readonly lengthMs: number;
  readonly used: number;
  readonly limit: number;
}

export interface BudgetUsage {
  readonly group: string;
  readonly windows: readonly WindowUsage[];
  /** Remaining pause after a 429, in milliseconds; 0 when not paused. */
  readonly pausedMs: number;
  readonly rateLimitedTotal: number;
}

const BASE_WINDOWS = [
  { name: 'second', lengthMs: 1_000, limit: (l: RateLimits) => l.perSecond },
  { name: 'minute', lengthMs: 60_000, limit: (l: RateLimits) => l.perMinute },
  { name: 'halfHour', lengthMs: 1_800_000, limit: (l: RateLimits) => l.perHalfHour },
] as const;

/**
 * The Upstox rate budget of one account, shared through Redis by every worker: all three
 * windows are checked and a slot is taken in one atomic script, without waiting. A caller
 * that gets no slot is told how long until the earliest one frees.
 */
export class RateBudget {
  private readonly windows: readonly { name: WindowUsage['name']; lengthMs: number; full: number; byClass: Record<PriorityClass, number> }[];

  constructor(private readonly options: RateBudgetOptions) {
    const { live, nightly } = options.reserve;
    if (!(live >= 0 && nightly >= 0 && live + nightly < 1)) {
      throw new RangeError(`invalid rate reserves live=${live} nightly=${nightly}: each must be 0 or more and together below 1`);
    }
    this.windows = BASE_WINDOWS.map((w) => {
      const full = w.limit(options.limits);
      // Reserves round up, so a non-zero reserve keeps at least one slot, but a class never
      // drops below one slot of its own.
      const forNightly = Math.max(1, full - Math.ceil(full * live));
      const forBackfill = Math.max(1, full - Math.ceil(full * (live + nightly)));
      return {
        name: w.name,
        lengthMs: Math.max(1, Math.round(w.lengthMs / options.windowScale)) + options.marginMs,
        full,
        byClass: { live: full, nightly: forNightly, backfill: forBackfill },
      };
    });
  }

  /**
   * Takes one request slot for `api`, or throws {@link BudgetExhaustedError} with the wait.
   * Call `settle` on the returned slot once the response has arrived.
   */
  async take(api: string, priority: PriorityClass): Promise<BudgetSlot> {
    const log = `${this.baseKey(api)}:log`;
    const member = `${Date.now()}-${randomBytes(6).toString('hex')}`;
    const args: (string | number)[] = [member, this.windows.length];
    for (const w of this.windows) args.push(w.lengthMs, w.byClass[priority], w.full);
    const result = (await this.options.redis.eval(TAKE_SCRIPT, 2, log, `${this.baseKey(api)}:paused`, ...args)) as number[];
    if (result[0] !== 1) throw new BudgetExhaustedError(api, priority, Number(result[1]));
    const longest = Math.max(...this.windows.map((w) => w.lengthMs));
    return { settle: async () => void (await this.options.redis.eval(SETTLE_SCRIPT, 1, log, member, longest)) };
  }

  /**
   * Pauses every class of this API's budget after Upstox answered 429. Uses Retry-After when
   * given; otherwise the pause doubles with each 429 in a row (one that arrives after the last
   * pause ended), from one second up to the 30-minute window, both scaled. Returns the pause
   * and whether this call started it.
   */
  async pauseAfterRateLimit(api: string, retryAfterMs: number | undefined): Promise<{ pauseMs: number; startedNow: boolean }> {
    const base = this.baseKey(api);
    const scale = this.options.windowScale;
    const result = (await this.options.redis.eval(
      PAUSE_SCRIPT,
      3,
      `${base}:paused`,
      `${base}:429`,
      `${base}:streak`,
      Math.round(retryAfterMs ?? 0),
      Math.max(1, Math.round(1_000 / scale)),
      Math.max(1, Math.round(1_800_000 / scale)),
      Math.max(1, Math.round(3_600_000 / scale)),
    )) as number[];
    return { pauseMs: Number(result[0]), startedNow: result[1] === 1 };
  }

  /** Reads the current use of every window of each budget group. */
  async usage(apis: readonly string[]): Promise<BudgetUsage[]> {
    const groups = [...new Set(apis.map((api) => this.options.groupOf(api)))];
    const usage: BudgetUsage[] = [];
    for (const group of groups) {
      const base = this.groupKey(group);
      const [timeSeconds, timeMicros] = (await this.options.redis.time()) as [string | number, string | number];
      const now = Number(timeSeconds) * 1000 + Math.floor(Number(timeMicros) / 1000);
      const windows: WindowUsage[] = [];
      for (const w of this.windows) {
        const used = await this.options.redis.zcount(`${base}:log`, `(${now - w.lengthMs}`, '+inf');
        windows.push({ name: w.name, lengthMs: w.lengthMs, used, limit: w.full });
      }
      const pausedMs = Math.max(0, await this.options.redis.pttl(`${base}:paused`));
      const rateLimitedTotal = Number((await this.options.redis.get(`${base}:429`)) ?? 0);
      usage.push({ group, windows, pausedMs, rateLimitedTotal });
    }
    return usage;
  }

  /** Returns each window's limit for a class, for planning and the benchmark's lower bound. */
  limitsFor(priority: PriorityClass): { lengthMs: number; limit: number }[] {
    return this.windows.map((w) => ({ lengthMs: w.lengthMs, limit: w.byClass[priority] }));
  }

  private baseKey(api: string): string {
    return this.groupKey(this.options.groupOf(api));
  }

  private groupKey(group: string): string {
    return `${this.options.keyPrefix}:budget:${this.options.account}:${group}`;
  }
}

/**
 * Parses the API-to-group setting, such as `historical-candle=candles,intraday-candle=candles`,
 * or `*=shared` for one budget across every API of the account.
 */
export function parseBudgetGroups(setting: string): (api: string) => string {
  const entries = new Map<string, string>();
  for (const part of setting.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const match = /^([a-z0-9*-]+)=([a-z0-9_-]+)$/.exec(part);
    if (!match) throw new RangeError(`invalid budget group ${JSON.stringify(part)}: expected api=group, such as historical-candle=candles or *=shared`);
    entries.set(match[1]!, match[2]!);
  }
  const fallback = entries.get('*');
  return (api) => entries.get(api) ?? fallback ?? api;
}
