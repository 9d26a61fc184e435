import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionChainJob } from '../../jobs/options.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { realSnapshotDeps } from '../support/snapshot-deps.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// The recorded master lists NIFTY options from 2026-02-27 on; the clock is set the day before.
const NOW = Date.parse('2026-02-26T06:00:00Z');
let ctx: TestContext;
let sim: RunningSimulator;
let api: ReturnType<typeof createUpstoxClient>;
let deps: ReturnType<typeof realSnapshotDeps>;

beforeAll(async () => {
  ctx = await createTestContext();
  sim = await startSimulator({ tokens: { 'chain-token': 'main' }, now: () => NOW });
  api = createUpstoxClient({ baseUrl: sim.url, token: 'chain-token', requestTimeoutMs: 10_000 });
  deps = realSnapshotDeps(ctx, api, () => NOW);
});
afterAll(async () => {
  await deps.close();
  await api.close();
  await sim.close();
  await ctx.cleanup();
});

describe('option chain by relative expiry', () => {
  it('fetches the contracts once, then the nearest expiry', async () => {
    const summary = await optionChainJob.run({ instrumentKey: 'NSE_INDEX|Nifty 50', expiryDate: 'nearest' }, deps);
    const stored = await deps.postgres.query<{ expiry: string }>("SELECT min(expiry)::text AS expiry FROM option_contracts WHERE underlying_key = 'NSE_INDEX|Nifty 50'");
    expect([summary.state, summary.requestsMade, summary.detail]).toEqual(['done', 2, `expiry ${stored[0]?.expiry}`]);
  });

  it('uses the stored contracts the second time', async () => {
    const summary = await optionChainJob.run({ instrumentKey: 'NSE_INDEX|Nifty 50', expiryDate: 'next' }, deps);
    const stored = await deps.postgres.query<{ expiry: string }>("SELECT DISTINCT expiry::text AS expiry FROM option_contracts WHERE underlying_key = 'NSE_INDEX|Nifty 50' ORDER BY 1 LIMIT 2");
    expect([summary.requestsMade, summary.detail]).toEqual([1, `expiry ${stored[1]?.expiry}`]);
  });
});
