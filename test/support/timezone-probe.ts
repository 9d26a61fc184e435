// Runs the B01 daily-candle case through the whole job path and prints the stored rows as
// JSON. The timezone test starts this file under several TZ values and compares the output.
import { runCandleJob } from '../../jobs/candles.js';
import { candleChunkId, planCandleBackfill } from '../../src/candles/plan.js';
import { recordBackfill } from '../../src/stores/postgres/chunk-ledger.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { createUpstoxClient } from '../../src/upstox/client.js';
import { CannedServer, candleBody } from './canned-server.js';
import { realCandleDeps } from './candle-deps.js';
import { createTestContext } from './test-context.js';

const ctx = await createTestContext();
const server = new CannedServer(() => ({
  status: 200,
  body: candleBody([
    ['2024-03-28T00:00:00+05:30', 1003.5, 1010.0, 995.2, 1008.4, 1234567, 0],
    ['2024-03-27T00:00:00+05:30', 990.0, 1004.0, 988.1, 1003.0, 1100000, 0],
  ]),
}));
await server.start();
const api = createUpstoxClient({ baseUrl: server.url, token: 'tz-probe', requestTimeoutMs: 5_000 });
const deps = realCandleDeps(ctx, api);
try {
  const chunk = { account: 'main', instrumentKey: 'NSE_EQ|INE000X01010', unit: 'days' as const, interval: 1, source: 'historical' as const, fromDate: '2024-03-27', toDate: '2024-03-28' };
  const payload = { ...chunk, chunkId: candleChunkId(chunk) };
  await recordBackfill(ctx.pool, 'main', {}, [{ ...payload, state: 'pending' }]);
  const summary = await runCandleJob(payload, deps);
  const table = deps.store.table('candles_daily');
  await waitForWalApplied(ctx.questdb, table);
  const rows = await ctx.questdb.exec(`SELECT ts, trade_date, open, high, low, close, volume FROM ${table} ORDER BY ts`);
  const plan = planCandleBackfill({ account: 'main', instrumentKeys: ['NSE_EQ|INE000X01010'], unit: 'minutes', interval: 1, fromDate: '2024-01-01', toDate: '2024-03-31', today: '2026-12-04' });
  const coverage = await ctx.pool.query("SELECT first_ts, last_ts FROM candle_coverage");
  console.log(JSON.stringify({ summary, rows: rows.dataset, plan: plan.chunks.map((c) => c.chunkId), coverage: coverage.rows }));
} finally {
  await deps.close();
  await api.close();
  await server.stop();
  await ctx.cleanup();
}
