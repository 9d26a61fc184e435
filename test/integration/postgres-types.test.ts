import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSafeNumber } from '../../src/stores/postgres/pool.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('Postgres type parsing', () => {
  it('returns COUNT(*) as an exact integer equal to 375', async () => {
    const result = await ctx.pool.query<{ n: bigint }>('SELECT count(*) AS n FROM generate_series(1, 375)');
    expect(toSafeNumber(result.rows[0]!.n)).toBe(375);
  });

  it('round-trips a bigint above 2^53 exactly', async () => {
    const result = await ctx.pool.query<{ v: bigint }>('SELECT $1::bigint AS v', ['9007199254740993']);
    expect(result.rows[0]!.v).toBe(9007199254740993n);
  });

  it('refuses to narrow an unsafe bigint to a number', () => {
    expect(() => toSafeNumber(9007199254740993n)).toThrow(/does not fit/);
  });

  it('sums numeric prices exactly', async () => {
    const result = await ctx.pool.query<{ total: string }>("SELECT (sum(v))::text AS total FROM (VALUES ('0.10'::numeric(12,2)), ('0.20'::numeric(12,2))) AS t(v)");
    expect(result.rows[0]!.total).toBe('0.30');
  });

  it('keeps numeric values as strings', async () => {
    const result = await ctx.pool.query<{ v: unknown }>("SELECT '0.10'::numeric(12,2) AS v");
    expect(result.rows[0]!.v).toBe('0.10');
  });

  it('reads a date as the calendar date whatever the host zone', async () => {
    const result = await ctx.pool.query<{ d: unknown }>("SELECT '2024-03-28'::date AS d");
    expect(result.rows[0]!.d).toBe('2024-03-28');
  });

  it('survives the server closing an idle connection', async () => {
    const { createPostgresPool } = await import('../../src/stores/postgres/pool.js');
    const errors: Error[] = [];
    const pool = createPostgresPool(ctx.config.postgres.url, { max: 1, applicationName: 'idle-victim', onIdleError: (error) => errors.push(error) });
    await pool.query('SELECT 1');
    await ctx.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'idle-victim'");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await pool.query<{ n: number }>('SELECT 1 AS n');
    await pool.end();
    expect([errors.length, after.rows[0]?.n]).toEqual([1, 1]);
  });

  it('reads timestamptz as the exact instant', async () => {
    const result = await ctx.pool.query<{ t: Date }>("SELECT '2024-03-28T03:45:00Z'::timestamptz AS t");
    expect(result.rows[0]!.t.toISOString()).toBe('2024-03-28T03:45:00.000Z');
  });
});
