import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { startCandleBackfill, waitForBackfill } from '../../backfill/candle-backfill.js';
import type { CandlePlan } from '../../candles/plan.js';
import { historicalCandlePath, intradayCandlePath } from '../../upstox/candles.js';
import { loadConfig } from '../../config/env.js';
import { backfillProblems } from '../../stores/postgres/chunk-ledger.js';
import { isIsoDate, istToday } from '../../time/ist.js';
import { CANDLE_UNITS, INTERVAL_RANGE, isValidInterval, type CandleUnit } from '../../upstox/candle-units.js';
import { openContext } from '../context.js';
import { createProgressReporter } from '../progress.js';

interface CandleBackfillOptions {
  instruments?: string;
  instrumentsFile?: string;
  unit: CandleUnit;
  interval: string;
  from: string;
  to: string;
  detach?: boolean;
  refetch?: boolean;
  dryRun?: boolean;
}

export function registerBackfill(program: Command): void {
  const backfill = program.command('backfill').description('fetch history for a set of instruments');
  backfill
    .command('candles')
    .description('backfill V3 candles: the range is split into the widest requests Upstox allows, queued, and (unless --detach) followed to the end')
    .option('--instruments <keys>', 'comma-separated instrument keys, such as "NSE_EQ|INE002A01018,NSE_INDEX|Nifty 50"')
    .option('--instruments-file <path>', 'a file with one instrument key per line (# starts a comment)')
    .addOption(new Option('--unit <unit>', 'candle unit').choices(CANDLE_UNITS).makeOptionMandatory())
    .option('--interval <n>', 'candles per unit: minutes 1-300, hours 1-5, otherwise 1', '1')
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD (IST calendar date)')
    .requiredOption('--to <date>', 'last date, YYYY-MM-DD, included')
    .option('--detach', 'queue the requests and return without waiting')
    .option('--refetch', 'fetch chunks again even if the ledger has them as stored')
    .option('--dry-run', 'print the plan and queue nothing')
    .action(async (options: CandleBackfillOptions) => {
      const instrumentKeys = readInstruments(options);
      for (const [name, value] of [['--from', options.from], ['--to', options.to]] as const) {
        if (!isIsoDate(value)) throw new Error(`${name} ${JSON.stringify(value)} is not a date; use YYYY-MM-DD, such as 2024-01-31`);
      }
      const interval = Number(options.interval);
      if (!isValidInterval(options.unit, interval)) {
        const [min, max] = INTERVAL_RANGE[options.unit];
        throw new Error(`--interval ${JSON.stringify(options.interval)} is invalid for --unit ${options.unit}: use a whole number from ${min} to ${max}`);
      }
      const config = loadConfig();
      const input = { account: config.upstox.account, instrumentKeys, unit: options.unit, interval, fromDate: options.from, toDate: options.to, today: istToday(Date.now()) };

      if (options.dryRun) {
        const { planCandleBackfill } = await import('../../candles/plan.js');
        printPlan(planCandleBackfill(input));
        return;
      }
      const context = openContext(config);
      try {
        const started = await startCandleBackfill(context.pool, context.producer, input, { refetch: options.refetch });
        printPlan(started.plan);
        if (started.plan.chunks.every((c) => c.state === 'unavailable')) {
          console.log(`nothing to fetch: Upstox has no ${options.unit} candles for this range${options.unit === 'minutes' || options.unit === 'hours' ? '; daily candles (--unit days) go back to 2000' : ''}`);
          return;
        }
        console.log(
          `backfill ${started.backfillId}: queued ${started.enqueued} request(s); ${started.alreadyQueued} already queued; ` +
            `${started.alreadySettled} already stored (use --refetch to fetch them again)`,
        );
        if (options.detach) return;
        const reporter = createProgressReporter('chunks');
        const progress = await waitForBackfill(context.pool, started.backfillId, { onProgress: reporter.update });
        reporter.stop();
        console.log(`done: ${progress.rowsWritten} candle rows; chunks by state: ${formatStates(progress.byState)}`);
        const problems = await backfillProblems(context.pool, started.backfillId);
        for (const problem of problems) console.log(`  ${problem.state.padEnd(18)} ${problem.chunkId}: ${problem.detail ?? ''}`);
        if (progress.byState.failed > 0) process.exitCode = 1;
      } finally {
        await context.close();
      }
    });
}

function readInstruments(options: CandleBackfillOptions): string[] {
  const keys: string[] = [];
  if (options.instruments) keys.push(...options.instruments.split(','));
  if (options.instrumentsFile) {
    for (const line of readFileSync(options.instrumentsFile, 'utf8').split('\n')) keys.push(line.replace(/#.*$/, ''));
  }
  const cleaned = [...new Set(keys.map((k) => k.trim()).filter((k) => k.length > 0))];
  if (cleaned.length === 0) throw new Error('no instruments given; pass --instruments "NSE_EQ|INE002A01018" or --instruments-file watchlist.txt');
  return cleaned;
}

const LISTED_REQUESTS = 20;

function printPlan(plan: CandlePlan): void {
  const requests = plan.chunks.filter((c) => c.state === 'pending');
  const unavailable = plan.chunks.filter((c) => c.state === 'unavailable');
  console.log(`plan: ${requests.length} request(s), ${unavailable.length} window(s) not requestable`);
  for (const chunk of requests.slice(0, LISTED_REQUESTS)) {
    const path = chunk.source === 'intraday' ? intradayCandlePath(chunk) : historicalCandlePath(chunk);
    console.log(`  GET ${path}`);
  }
  if (requests.length > LISTED_REQUESTS) console.log(`  … and ${requests.length - LISTED_REQUESTS} more request(s)`);
  for (const note of plan.notes) console.log(`  note: ${note}`);
  for (const chunk of unavailable) console.log(`  not requested: ${chunk.instrumentKey} ${chunk.fromDate}..${chunk.toDate}: ${chunk.detail}`);
}

function formatStates(byState: Readonly<Record<string, number>>): string {
  return Object.entries(byState)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
}
