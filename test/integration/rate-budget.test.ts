import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExhaustedError, parseBudgetGroups, RateBudget, type RateBudgetOptions } from '../../src/rate-budget/rate-budget.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
let counter = 0;

/** Creates a budget under a fresh account name, so tests never share windows. */
function budget(overrides: Partial<RateBudgetOptions> = {}): RateBudget {
  counter++;
  return new RateBudget({
    redis: ctx.redis,
    keyPrefix: ctx.config.redis.queuePrefix,
    account: `acct${counter}`,
    limits: { perSecond: 5, perMinute: 8, perHalfHour: 100 },
    windowScale: 1,
    marginMs: 0,
    reserve: { live: 0, nightly: 0 },
    groupOf: (api) => api,
    ...overrides,
  });
}

async function takeMany(b: RateBudget, count: number, api = 'historical-candle', priority: 'live' | 'nightly' | 'backfill' = 'backfill'): Promise<{ taken: number; waits: number[] }> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => b.take(api, priority)));
  const waits = results.flatMap((r) => (r.status === 'rejected' && r.reason instanceof BudgetExhaustedError ? [r.reason.waitMs] : []));
  return { taken: results.filter((r) => r.status === 'fulfilled').length, waits };
}

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('rate budget', () => {
  it('admits exactly the per-second limit from a concurrent burst', async () => {
    const result = await takeMany(budget(), 40);
    expect(result.taken).toBe(5);
  });

  it('tells the denied callers to wait at most one second', async () => {
    const result = await takeMany(budget(), 20);
    expect(result.waits.every((w) => w > 0 && w <= 1_000)).toBe(true);
  });

  it('admits again once the wait has passed', async () => {
    const b = budget();
    const first = await takeMany(b, 10);
    await new Promise((resolve) => setTimeout(resolve, Math.max(...first.waits) + 20));
    expect((await takeMany(b, 1)).taken).toBe(1);
  });

  it('applies the minute window across seconds', async () => {
    const b = budget();
    await takeMany(b, 5);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const second = await takeMany(b, 5);
    expect([second.taken, Math.min(...second.waits) > 55_000]).toEqual([3, true]);
  });

  it('counts a settled request from its response time', async () => {
    const b = budget({ limits: { perSecond: 1, perMinute: 100, perHalfHour: 1000 } });
    const slot = await b.take('historical-candle', 'live');
    await new Promise((resolve) => setTimeout(resolve, 600));
    await slot.settle();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await takeMany(b, 1, 'historical-candle', 'live');
    expect([result.taken, (result.waits[0] ?? 0) > 300]).toEqual([0, true]);
  });

  it('keeps the live reserve out of reach of backfills', async () => {
    const b = budget({ limits: { perSecond: 20, perMinute: 100, perHalfHour: 1000 }, reserve: { live: 0.1, nightly: 0.1 } });
    const backfill = await takeMany(b, 30, 'historical-candle', 'backfill');
    const live = await takeMany(b, 30, 'historical-candle', 'live');
    expect([backfill.taken, live.taken]).toEqual([16, 4]);
  });

  it('lets nightly work use the nightly reserve but not the live one', async () => {
    const b = budget({ limits: { perSecond: 20, perMinute: 100, perHalfHour: 1000 }, reserve: { live: 0.1, nightly: 0.1 } });
    await takeMany(b, 30, 'historical-candle', 'backfill');
    const nightly = await takeMany(b, 30, 'historical-candle', 'nightly');
    expect(nightly.taken).toBe(2);
  });

  it('keeps two accounts apart', async () => {
    const a = budget();
    const b = budget();
    await takeMany(a, 10);
    expect((await takeMany(b, 10)).taken).toBe(5);
  });

  it('keeps two APIs of one account apart by default', async () => {
    const b = budget();
    await takeMany(b, 10, 'historical-candle');
    expect((await takeMany(b, 10, 'intraday-candle')).taken).toBe(5);
  });

  it('shares one budget when the APIs are grouped', async () => {
    const b = budget({ groupOf: parseBudgetGroups('*=shared') });
    await takeMany(b, 3, 'historical-candle');
    expect((await takeMany(b, 10, 'intraday-candle')).taken).toBe(2);
  });

  it('pauses every class after a 429', async () => {
    const b = budget();
    const pause = await b.pauseAfterRateLimit('historical-candle', undefined);
    const live = await takeMany(b, 1, 'historical-candle', 'live');
    expect([pause, live.taken, (live.waits[0] ?? 0) > 900]).toEqual([{ pauseMs: 1000, startedNow: true }, 0, true]);
  });

  it('doubles the pause on 429s in a row', async () => {
    const b = budget({ windowScale: 100 });
    const pauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      pauses.push((await b.pauseAfterRateLimit('historical-candle', undefined)).pauseMs);
      await new Promise((resolve) => setTimeout(resolve, pauses.at(-1)! + 5));
    }
    expect(pauses).toEqual([10, 20, 40, 80]);
  });

  it('does not lengthen a running pause for 429s already in flight', async () => {
    const b = budget();
    const pauses = [];
    for (let i = 0; i < 3; i++) pauses.push((await b.pauseAfterRateLimit('historical-candle', undefined)).pauseMs);
    expect(pauses.every((p) => p <= 1000)).toBe(true);
  });

  it('reports only the first 429 of a pause as starting it', async () => {
    const b = budget();
    const first = await b.pauseAfterRateLimit('historical-candle', undefined);
    const second = await b.pauseAfterRateLimit('historical-candle', undefined);
    expect([first.startedNow, second.startedNow]).toEqual([true, false]);
  });

  it('uses Retry-After when Upstox sends one', async () => {
    expect((await budget().pauseAfterRateLimit('historical-candle', 7_000)).pauseMs).toBe(7000);
  });

  it('shows the use of each window', async () => {
    const b = budget();
    await takeMany(b, 3);
    await b.pauseAfterRateLimit('historical-candle', 5_000);
    const [usage] = await b.usage(['historical-candle']);
    expect([usage?.windows.map((w) => w.used), usage?.rateLimitedTotal, (usage?.pausedMs ?? 0) > 4_000]).toEqual([[3, 3, 3], 1, true]);
  });

  it('shortens every window by the scale and adds the margin', () => {
    const b = budget({ windowScale: 20, marginMs: 30 });
    expect(b.limitsFor('live').map((w) => w.lengthMs)).toEqual([80, 3030, 90030]);
  });

  it('rejects reserves that leave nothing', () => {
    expect(() => budget({ reserve: { live: 0.6, nightly: 0.5 } })).toThrow(/together below 1/);
  });

  it('rejects a malformed group setting', () => {
    expect(() => parseBudgetGroups('historical-candle')).toThrow(/expected api=group/);
  });
});

describe('budget command', () => {
  it('prints the use of each window and the waiting work per class', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const b = new RateBudget({
      redis: ctx.redis,
      keyPrefix: ctx.config.redis.queuePrefix,
      account: 'shown',
      limits: { perSecond: 50, perMinute: 500, perHalfHour: 2000 },
      windowScale: 1,
      marginMs: 250,
      reserve: { live: 0.05, nightly: 0.05 },
      groupOf: (api) => api,
    });
    await takeMany(b, 3, 'historical-candle', 'backfill');
    const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'budget'], {
      env: { ...process.env, ...ctx.env, UPSTOX_ACCOUNT: 'shown' },
      timeout: 30_000,
    });
    // The 1-second window may have emptied while the CLI started, so its count is not checked.
    expect(stdout).toMatch(/historical-candle +second [0-3]\/50, minute 3\/500, halfHour 3\/2000; 429 responses so far 0/);
    expect(stdout).toContain('backfill  waiting 0, delayed 0, active 0');
  }, 40_000);
});
