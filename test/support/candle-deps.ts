import type { CandleJobDeps } from '../../jobs/candles.js';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import { raiseAlert } from '../../src/stores/postgres/alerts.js';
import { extendCoverage } from '../../src/stores/postgres/candle-coverage.js';
import { settleChunk } from '../../src/stores/postgres/chunk-ledger.js';
import { quarantineBody } from '../../src/stores/postgres/quarantine.js';
import { QuestDbCandleStore } from '../../src/stores/questdb/candle-store.js';
import { SenderPool } from '../../src/stores/questdb/sender-pool.js';
import type { UpstoxApi } from '../../src/upstox/client.js';
import type { TestContext } from './test-context.js';

/** Builds the candle job's dependencies over the real stores of a test context. */
export function realCandleDeps(ctx: TestContext, api: UpstoxApi): CandleJobDeps & { store: QuestDbCandleStore; close(): Promise<void> } {
  const senders = new SenderPool(ctx.config.questdb);
  const store = new QuestDbCandleStore({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix });
  return {
    api,
    store,
    ledger: {
      settleChunk: (chunkId, outcome) => settleChunk(ctx.pool, chunkId, outcome),
      extendCoverage: (key, interval, first, last) => extendCoverage(ctx.pool, key, interval, first, last),
    },
    alerts: { raise: (alert) => raiseAlert(ctx.pool, alert) },
    quarantine: { keep: (input) => quarantineBody(ctx.pool, input) },
    calendar: new StaticNseCalendar(),
    log: ctx.log,
    close: () => senders.close(),
  };
}
