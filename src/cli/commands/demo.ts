import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { runDemo } from '../../demo/run-demo.js';
import { createLogger } from '../../log/logger.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('backfill a small watchlist end to end (against the simulator when no token is set) and print what landed')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, { process: 'demo' });
      const result = await runDemo(config, log, (line) => console.log(line));
      console.log('\nrows stored in QuestDB for the demo watchlist and date ranges:');
      console.log(`  ${'table'.padEnd(28)} ${'interval'.padEnd(10)} ${'rows'.padStart(8)} ${'expected'.padStart(9)}`);
      for (const row of result.stored) {
        const expected = result.expected.get(row.interval);
        console.log(`  ${row.table.padEnd(28)} ${row.interval.padEnd(10)} ${String(row.rows).padStart(8)} ${String(expected ?? '-').padStart(9)}`);
      }
      const intraday = result.stored.find((r) => r.table.endsWith('candles_intraday'))?.table ?? 'candles_intraday';
      const daily = result.stored.find((r) => r.table.endsWith('candles_daily'))?.table ?? 'candles_daily';
      console.log(`
Try these in the QuestDB console (http://127.0.0.1:9000) or over its PostgreSQL port
(psql -h 127.0.0.1 -p 8812 -U admin -d qdb, password quest):

  -- INFY's real session of 2025-02-07, 1-minute bars rolled up to 15 minutes on IST boundaries
  SELECT ts, first(open) open, max(high) high, min(low) low, last(close) close, sum(volume) volume
  FROM ${intraday}
  WHERE instrument_key = 'NSE_EQ|INE009A01021' AND interval = '1minute' AND trade_date = '2025-02-07'
  SAMPLE BY 15m ALIGN TO CALENDAR WITH OFFSET '05:30';

  -- the last daily close of each instrument (trade_date is a DATE, shown at 00:00)
  SELECT instrument_key, trade_date, close FROM ${daily} WHERE interval = '1day'
  LATEST ON ts PARTITION BY instrument_key;
`);
    });
}
