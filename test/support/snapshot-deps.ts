import type { SnapshotDeps } from '../../jobs/snapshot-job.js';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import { exchangeCalendarOf } from '../../src/schedule/session-gate.js';
import { raiseAlert } from '../../src/stores/postgres/alerts.js';
import { quarantineBody } from '../../src/stores/postgres/quarantine.js';
import { PostgresStore } from '../../src/stores/postgres/store.js';
import { QuestDbCandleStore } from '../../src/stores/questdb/candle-store.js';
import { QuestDbRowWriter } from '../../src/stores/questdb/row-writer.js';
import { SenderPool } from '../../src/stores/questdb/sender-pool.js';
import type { UpstoxApi } from '../../src/upstox/client.js';
import type { TestContext } from './test-context.js';

/** Builds a job's dependencies over the real stores of a test context, with a clock the test sets. */
export function realSnapshotDeps(ctx: TestContext, api: UpstoxApi, now: () => number): SnapshotDeps & { close(): Promise<void> } {
  const senders = new SenderPool(ctx.config.questdb);
  const calendar = new StaticNseCalendar();
  return {
    api,
    questdb: new QuestDbRowWriter({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix }),
    candles: new QuestDbCandleStore({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix }),
    questdbSql: ctx.questdb,
    postgres: new PostgresStore(ctx.pool),
    alerts: { raise: (alert) => raiseAlert(ctx.pool, alert) },
    quarantine: { keep: (input) => quarantineBody(ctx.pool, input) },
    calendar,
    exchangeCalendar: exchangeCalendarOf(calendar),
    schedules: async () => [],
    log: ctx.log,
    account: 'main',
    now,
    assetsBaseUrl: 'http://127.0.0.1:9',
    close: () => senders.close(),
  };
}
