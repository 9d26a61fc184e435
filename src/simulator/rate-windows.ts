// Sliding-window rate limits as Upstox applies them: per user and per API, a 1-second, a
// 1-minute and a 30-minute window checked together. A rejected request is not counted, so a
// client that keeps retrying does not push its own window further out.

/** Request limits per window. */
export interface RateLimits {
  readonly perSecond: number;
  readonly perMinute: number;
  readonly perHalfHour: number;
}

/** The maximum number of admitted requests seen inside one window of each length. */
export interface WindowMaxima {
  second: number;
  minute: number;
  halfHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perSecond: 50, perMinute: 500, perHalfHour: 2000 };

const WINDOW_MS = { second: 1_000, minute: 60_000, halfHour: 1_800_000 } as const;
type WindowName = keyof typeof WINDOW_MS;
const WINDOW_NAMES: readonly WindowName[] = ['second', 'minute', 'halfHour'];

/**
 * The timestamps of the last admitted requests of one rate key, oldest first, in a ring
 * buffer sized to the largest limit: no window can hold more admitted requests than that.
 */
class TimestampRing {
  private readonly times: Float64Array;
  private start = 0;
  size = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
  }

  /** Returns the `index`-th oldest stored timestamp. */
  at(index: number): number {
    return this.times[(this.start + index) % this.times.length] ?? 0;
  }

  push(time: number): void {
    if (this.size < this.times.length) {
      this.times[(this.start + this.size) % this.times.length] = time;
      this.size += 1;
      return;
    }
    this.times[this.start] = time;
    this.start = (this.start + 1) % this.times.length;
  }

  /** Counts the stored timestamps later than `after`, by binary search (the ring is sorted). */
  countAfter(after: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid) > after) high = mid;
      else low = mid + 1;
    }
    return this.size - low;
  }
}

interface KeyState {
  readonly ring: TimestampRing;
  admitted: number;
  rejected: number;
  readonly maxima: WindowMaxima;
}

/** The counters of one rate key, for the simulator's statistics. */
export interface RateKeyStats {
  readonly admitted: number;
  readonly rejected: number;
  readonly maxima: Readonly<WindowMaxima>;
}

/** Admits or rejects requests per rate key against the three sliding windows. */
export class RateWindows {
  private readonly keys = new Map<string, KeyState>();
  private readonly windowMs: Readonly<Record<WindowName, number>>;
  private readonly limit: Readonly<Record<WindowName, number>>;
  private readonly capacity: number;

  /**
   * `timeScale` divides every window length, so tests can exercise a 30-minute window in
   * seconds. `clock` returns milliseconds and must not go backwards.
   */
  constructor(
    limits: RateLimits,
    timeScale: number,
    private readonly clock: () => number,
  ) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`invalid rate limit ${name}=${String(value)}: expected a positive integer such as 50`);
      }
    }
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`invalid timeScale ${String(timeScale)}: expected a finite number above 0, such as 1 or 20`);
    }
    this.limit = { second: limits.perSecond, minute: limits.perMinute, halfHour: limits.perHalfHour };
    this.windowMs = {
      second: WINDOW_MS.second / timeScale,
      minute: WINDOW_MS.minute / timeScale,
      halfHour: WINDOW_MS.halfHour / timeScale,
    };
    this.capacity = Math.max(limits.perSecond, limits.perMinute, limits.perHalfHour);
  }

  /** Admits the request and counts it in every window, or returns false when any window is full. */
  tryAdmit(rateKey: string): boolean {
    const now = this.clock();
    const state = this.stateOf(rateKey);
    for (const name of WINDOW_NAMES) {
      if (state.ring.countAfter(now - this.windowMs[name]) >= this.limit[name]) {
        state.rejected += 1;
        return false;
      }
    }
    state.ring.push(now);
    state.admitted += 1;
    for (const name of WINDOW_NAMES) {
      const inWindow = state.ring.countAfter(now - this.windowMs[name]);
      if (inWindow > state.maxima[name]) state.maxima[name] = inWindow;
    }
    return true;
  }

  /** Returns the counters of every rate key that received a request since the last reset. */
  stats(): Map<string, RateKeyStats> {
    const result = new Map<string, RateKeyStats>();
    for (const [key, state] of this.keys) {
      if (state.admitted === 0 && state.rejected === 0) continue;
      result.set(key, { admitted: state.admitted, rejected: state.rejected, maxima: { ...state.maxima } });
    }
    return result;
  }

  /** Clears the counters and maxima but keeps the windows, so limits still hold across a reset. */
  resetStats(): void {
    for (const state of this.keys.values()) {
      state.admitted = 0;
      state.rejected = 0;
      state.maxima.second = 0;
      state.maxima.minute = 0;
      state.maxima.halfHour = 0;
    }
  }

  private stateOf(rateKey: string): KeyState {
    let state = this.keys.get(rateKey);
    if (!state) {
      state = { ring: new TimestampRing(this.capacity), admitted: 0, rejected: 0, maxima: { second: 0, minute: 0, halfHour: 0 } };
      this.keys.set(rateKey, state);
    }
    return state;
  }
}
