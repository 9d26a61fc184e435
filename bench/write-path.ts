// Write-path benchmark: candle rows per second through the product's normalise-and-write
// path (normaliseCandles + QuestDbCandleStore.write) against the raw @questdb/nodejs-client
// writing the same rows to an identical table of the same QuestDB, in the same run.
//
// Workload: the real INFY 1-minute session of 2025-02-07 (375 bars, data/recorded/). Each
// chunk repeats it over 20 trading days under its own instrument key, which is what one
// backfill request for a month of 1-minute bars returns (7,500 rows). Both paths flush once
// per chunk. Runs alternate between the two paths; the medians are compared.
//
// Usage: npx tsx bench/write-path.ts [--rows 1000000] [--runs 5] [--verify]
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Sender } from '@questdb/nodejs-client';
import { normaliseCandles } from '../src/candles/normalise.js';
import { loadConfig } from '../src/config/env.js';
import { silentLogger } from '../src/log/logger.js';
import { migrate } from '../src/migrate/migrate.js';
import { createPostgresPool, ensureDatabase } from '../src/stores/postgres/pool.js';
import { QuestDbCandleStore } from '../src/stores/questdb/candle-store.js';
import { QuestDbHttp } from '../src/stores/questdb/questdb-http.js';
import { senderConfig, SenderPool } from '../src/stores/questdb/sender-pool.js';
import { waitForWalApplied } from '../src/stores/questdb/wal.js';
import { addDays, formatIst, parseInstant, utcMidnight } from '../src/time/ist.js';
import type { RawCandle } from '../src/upstox/candles.js';
import { StaticNseCalendar } from '../src/calendar/trading-calendar.js';

const ROOT = join(import.meta.dirname, '..');
const DAYS_PER_CHUNK = 20;

interface Options {
  rows: number;
  runs: number;
  verify: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rows: 1_000_000, runs: 5, verify: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') options.rows = Number(argv[++i]);
    else if (argv[i] === '--runs') options.runs = Number(argv[++i]);
    else if (argv[i] === '--verify') options.verify = true;
    else throw new Error(`unknown option ${argv[i]}; use --rows N, --runs N, --verify`);
  }
  return options;
}

/** Builds chunks of Upstox-shaped candles (newest first, +05:30 stamps) from the recorded INFY day. */
function buildChunks(totalRows: number): { instrumentKey: string; candles: RawCandle[] }[] {
  const body = JSON.parse(readFileSync(join(ROOT, 'data/recorded/upstox-v2-historical-candle-1minute-INFY-2025-02-07.json'), 'utf8')) as { data: { candles: RawCandle[] } };
  const day = body.data.candles;
  const calendar = new StaticNseCalendar();
  const tradingDays: string[] = [];
  for (let d = '2025-01-01'; tradingDays.length < DAYS_PER_CHUNK; d = addDays(d, 1)) {
    if (calendar.day('NSE_EQ', d)?.kind === 'regular') tradingDays.push(d);
  }
  const chunkRows = day.length * DAYS_PER_CHUNK;
  const chunkCount = Math.ceil(totalRows / chunkRows);
  const base = utcMidnight('2025-02-07');
  const template: RawCandle[] = [];
  for (const date of [...tradingDays].reverse()) {
    const shift = utcMidnight(date) - base;
    for (const c of day) template.push([formatIst(parseInstant(c[0]) + shift), c[1], c[2], c[3], c[4], c[5], c[6]]);
  }
  return Array.from({ length: chunkCount }, (_, i) => ({ instrumentKey: `NSE_EQ|INEBENCH${String(i).padStart(4, '0')}`, candles: template }));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const base = loadConfig();
  const dbUrl = new URL(base.postgres.url);
  dbUrl.pathname = '/upstox_bench';
  await ensureDatabase(dbUrl.toString());
  const pool = createPostgresPool(dbUrl.toString(), { max: 2 });
  const questdb = new QuestDbHttp(base.questdb);
  const prefixes = { product: 'bench_product_', raw: 'bench_raw_' };

  const chunks = buildChunks(options.rows);
  const totalRows = chunks.reduce((n, c) => n + c.candles.length, 0);
  const version = String((await questdb.exec('SELECT build()')).dataset[0]?.[0] ?? '').replace('Build Information: ', '');
  console.log(`${version}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model}; ${Math.round(totalmem() / 2 ** 30)} GiB`);
  console.log(`${chunks.length} chunks × ${chunks[0]!.candles.length} rows = ${totalRows} rows per run, ${options.runs} runs per path${options.verify ? ', with verification' : ''}`);

  // Tables are created once and truncated between runs. QuestDB 9.3.4 loses the first ILP
  // writes to a table that was dropped and re-created (github.com/questdb/questdb/issues/5803).
  for (const prefix of Object.values(prefixes)) {
    await migrate({ pool, questdb, tablePrefix: prefix, migrationsDir: join(ROOT, 'migrations'), log: silentLogger() });
  }
  const resetTables = async (): Promise<void> => {
    for (const prefix of Object.values(prefixes)) await questdb.exec(`TRUNCATE TABLE ${prefix}candles_intraday`);
  };

  const productPath = async (): Promise<number> => {
    const senders = new SenderPool(base.questdb);
    const store = new QuestDbCandleStore({ http: questdb, senders, tablePrefix: prefixes.product });
    const started = performance.now();
    for (const chunk of chunks) {
      const { rows } = normaliseCandles({ instrumentKey: chunk.instrumentKey, interval: '1minute', source: 'historical', candles: chunk.candles });
      await store.write('candles_intraday', rows);
      if (options.verify) await store.verify('candles_intraday', rows);
    }
    const seconds = (performance.now() - started) / 1000;
    await senders.close();
    return seconds;
  };

  // The baseline gets rows already converted (epoch microseconds, IST date as epoch ms), so it
  // measures the client alone; the conversion is not timed.
  const prepared = chunks.map((chunk) =>
    chunk.candles.map((c) => {
      const tsMs = parseInstant(c[0]);
      return { tsUs: tsMs * 1000, tradeDateMs: Math.floor((tsMs + 19_800_000) / 86_400_000) * 86_400_000, c };
    }),
  );
  const rawPath = async (): Promise<number> => {
    const sender = await Sender.fromConfig(senderConfig(base.questdb));
    const table = `${prefixes.raw}candles_intraday`;
    const started = performance.now();
    for (let i = 0; i < chunks.length; i++) {
      const key = chunks[i]!.instrumentKey;
      for (const row of prepared[i]!) {
        await sender
          .table(table)
          .symbol('instrument_key', key)
          .symbol('interval', '1minute')
          .symbol('source', 'historical')
          .timestampColumn('trade_date', row.tradeDateMs, 'ms')
          .floatColumn('open', row.c[1])
          .floatColumn('high', row.c[2])
          .floatColumn('low', row.c[3])
          .floatColumn('close', row.c[4])
          .intColumn('volume', row.c[5])
          .floatColumn('open_interest', row.c[6])
          .at(row.tsUs, 'us');
      }
      await sender.flush();
    }
    const seconds = (performance.now() - started) / 1000;
    await sender.close();
    return seconds;
  };

  // One untimed run of each path first, so that both are measured after JIT warm-up.
  await resetTables();
  await productPath();
  await rawPath();

  const times = { product: [] as number[], raw: [] as number[] };
  const storedCounts: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    for (const [name, path] of run % 2 === 1 ? ([['product', productPath], ['raw', rawPath]] as const) : ([['raw', rawPath], ['product', productPath]] as const)) {
      await resetTables();
      const seconds = await path();
      times[name].push(seconds);
      console.log(`run ${run} ${name.padEnd(7)} ${seconds.toFixed(2)} s  ${Math.round(totalRows / seconds).toLocaleString('en-US')} rows/s`);
      const table = `${prefixes[name]}candles_intraday`;
      await waitForWalApplied(questdb, table, { timeoutMs: 300_000 });
      if (name === 'product') storedCounts.push(await questdb.scalar(`SELECT count() FROM ${table}`));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const productRate = totalRows / median(times.product);
  const rawRate = totalRows / median(times.raw);
  console.log(`\nmedian rows/s: product ${Math.round(productRate).toLocaleString('en-US')}, raw client ${Math.round(rawRate).toLocaleString('en-US')}, ratio ${(productRate / rawRate).toFixed(3)}`);
  console.log(`rows stored by each product run: ${storedCounts.join(', ')} (expected ${totalRows})`);
  await pool.end();
  if (storedCounts.some((n) => n !== totalRows)) process.exitCode = 1;
}

await main();
