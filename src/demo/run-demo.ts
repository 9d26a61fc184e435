import { join } from 'node:path';
import { startCandleBackfill, waitForBackfill } from '../backfill/candle-backfill.js';
import { StaticNseCalendar } from '../calendar/trading-calendar.js';
import type { BackfillProgress } from '../stores/postgres/chunk-ledger.js';
import { withUpstoxSettings, type Config } from '../config/env.js';
import type { Logger } from '../log/logger.js';
import { startSimulator, type RunningSimulator } from '../simulator/server.js';
import { candleTableName } from '../stores/questdb/candle-tables.js';
import { sqlString } from '../stores/questdb/questdb-http.js';
import { intervalLabel, isIntradayUnit } from '../upstox/candle-units.js';
import { istToday } from '../time/ist.js';
import { startIngestWorker } from '../../workers/ingest-worker.js';
import { migrateAll, openContext, PROJECT_ROOT } from '../cli/context.js';
import { expectedCandleCounts, readDemoPlan } from './demo-plan.js';

export const DEMO_PLAN_PATH = join(PROJECT_ROOT, 'config', 'demo.yaml');
const SIMULATOR_TOKEN = 'demo-simulator-token';

export interface DemoResult {
  /** The API base URL the demo read: the simulator's address, or the configured host. */
  readonly apiBaseUrl: string;
  readonly usedSimulator: boolean;
  /** Stored candle rows of the watchlist per table and interval label, inside the demo's date ranges. */
  readonly stored: readonly { table: string; interval: string; rows: number }[];
  /** Rows the exchange calendar implies per interval label. */
  readonly expected: ReadonlyMap<string, number>;
  readonly backfills: readonly (BackfillProgress & { readonly requestsQueued: number })[];
}

/**
 * Runs the demo end to end: the simulator when no token is set, migrations, the watchlist
 * backfills with an in-process worker until every chunk is settled, then the stored counts.
 */
export async function runDemo(baseConfig: Config, log: Logger, print: (line: string) => void, planPath = DEMO_PLAN_PATH): Promise<DemoResult> {
  const plan = readDemoPlan(planPath);
  let sim: RunningSimulator | undefined;
  let config = baseConfig;
  if (!baseConfig.upstox.token) {
    sim = await startSimulator({ tokens: { [SIMULATOR_TOKEN]: baseConfig.upstox.account } });
    config = withUpstoxSettings(baseConfig, { token: SIMULATOR_TOKEN, baseUrl: sim.url });
    print(`no UPSTOX_ACCESS_TOKEN set: using the Upstox simulator at ${sim.url}`);
  } else {
    print(`reading the Upstox API at ${config.upstox.baseUrl}`);
  }

  const applied = await migrateAll(config, log);
  print(applied.length > 0 ? `migrations applied: ${applied.join(', ')}` : 'schema is current');

  const worker = await startIngestWorker(config, log);
  const context = openContext(config);
  const backfills: (BackfillProgress & { requestsQueued: number })[] = [];
  try {
    for (const backfill of plan.backfills) {
      const started = await startCandleBackfill(context.pool, context.producer, {
        account: config.upstox.account,
        instrumentKeys: plan.watchlist,
        unit: backfill.unit,
        interval: backfill.interval,
        fromDate: backfill.from,
        toDate: backfill.to,
        today: istToday(Date.now()),
      });
      print(`backfill ${started.backfillId}: ${backfill.interval} ${backfill.unit} ${backfill.from}..${backfill.to} for ${plan.watchlist.length} instruments: ${started.enqueued} request(s) queued, ${started.alreadySettled} already stored`);
      const progress = await waitForBackfill(context.pool, started.backfillId, { timeoutMs: 600_000 });
      backfills.push({ ...progress, requestsQueued: started.enqueued });
    }

    // Only the demo's own rows count: other backfills may have stored more in the same tables.
    const stored: { table: string; interval: string; rows: number }[] = [];
    const keys = plan.watchlist.map(sqlString).join(', ');
    for (const backfill of plan.backfills) {
      const table = candleTableName(config.questdb.tablePrefix, isIntradayUnit(backfill.unit) ? 'candles_intraday' : 'candles_daily');
      const interval = intervalLabel(backfill.unit, backfill.interval);
      const rows = await context.questdb.scalar(
        `SELECT count() FROM ${table} WHERE interval = ${sqlString(interval)} AND instrument_key IN (${keys}) ` +
          `AND trade_date >= ${sqlString(backfill.from)} AND trade_date <= ${sqlString(backfill.to)}`,
      );
      stored.push({ table, interval, rows });
    }
    return {
      apiBaseUrl: config.upstox.baseUrl,
      usedSimulator: sim !== undefined,
      stored,
      expected: expectedCandleCounts(plan, new StaticNseCalendar()),
      backfills,
    };
  } finally {
    await context.close();
    await worker.close();
    await sim?.close();
  }
}
