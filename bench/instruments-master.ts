// Instruments-master benchmark. It measures the product's load of a master five times the
// size of the real NSE file in a child process of its own (peak RSS and wall time). The
// baseline is a plain per-row INSERT of the same rows into a table of the same shape, in the
// same run.
//
// Workload: the real NSE master of 2026-02-27 (99,389 rows) repeated `--copies` times, each
// copy under other instrument keys, served gzipped by the assets simulator on loopback.
// Product: the `instruments-master` job's load (download, streaming parse, staging, version
// switch with change history, QuestDB snapshot) into an empty master. Baseline: the same
// download and the same streaming parser, then one INSERT statement per row, all in one
// transaction, into a copy of the `instruments` table. Each run uses a fresh database and a
// fresh QuestDB table prefix; runs alternate between the two paths. The children run
// bench/instruments-master-child.ts compiled to JavaScript, with plain `node`, as the
// production image runs the worker.
//
// Peak RSS is the child's VmHWM, the kernel's high-water mark of its resident set. Both
// children run with the NODE_OPTIONS that the production image sets in the Dockerfile.
//
// Usage: npx tsx bench/instruments-master.ts [--copies 5] [--runs 3] [--no-baseline] [--trace-memory]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/env.js';
import { silentLogger } from '../src/log/logger.js';
import { migrate } from '../src/migrate/migrate.js';
import { createPostgresPool, ensureDatabase } from '../src/stores/postgres/pool.js';
import { QuestDbHttp, sqlString } from '../src/stores/questdb/questdb-http.js';
import { startAssetsSimulator } from '../src/simulator/assets-server.js';
import type { ChildResult, ChildTask } from './instruments-master-child.js';

const ROOT = join(import.meta.dirname, '..');
const RSS_CAP_MB = 150;

interface Options {
  copies: number;
  runs: number;
  baseline: boolean;
  traceMemory: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { copies: 5, runs: 3, baseline: true, traceMemory: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--copies') options.copies = Number(argv[++i]);
    else if (argv[i] === '--runs') options.runs = Number(argv[++i]);
    else if (argv[i] === '--no-baseline') options.baseline = false;
    else if (argv[i] === '--trace-memory') options.traceMemory = true;
    else throw new Error(`unknown option ${argv[i]}; use --copies N, --runs N, --no-baseline, --trace-memory`);
  }
  if (!(Number.isInteger(options.copies) && options.copies >= 1 && options.copies <= 20)) throw new Error(`invalid --copies ${options.copies}: expected 1 to 20`);
  if (!(Number.isInteger(options.runs) && options.runs >= 1)) throw new Error(`invalid --runs ${options.runs}: expected a whole number of at least 1`);
  return options;
}

/** Compiles the child's module graph to JavaScript under dist/ and returns the child's entry file. */
function buildChild(): string {
  const outDir = join(ROOT, 'dist', 'bench-instruments');
  mkdirSync(outDir, { recursive: true });
  const config = { extends: '../../tsconfig.json', compilerOptions: { outDir: '.', rootDir: '../..', sourceMap: false }, include: ['../../bench/instruments-master-child.ts'] };
  writeFileSync(join(outDir, 'tsconfig.json'), JSON.stringify(config));
  const entry = join(outDir, 'bench', 'instruments-master-child.js');
  rmSync(entry, { force: true });
  // Type errors elsewhere in the repository do not stop tsc from emitting; a missing entry does.
  const built = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(outDir, 'tsconfig.json')], { encoding: 'utf8' });
  if (!existsSync(entry)) throw new Error(`compiling the benchmark child failed:\n${built.stdout}${built.stderr}`);
  return entry;
}

/** Returns the NODE_OPTIONS that the Dockerfile sets for the production image. */
function imageNodeOptions(): string {
  const line = /^ENV NODE_OPTIONS=(.+)$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  if (!line) throw new Error('the Dockerfile sets no NODE_OPTIONS; the benchmark runs its children with the options of the production image');
  return line[1]!.trim();
}

/** Runs the compiled child for one task and returns what it reports. */
function spawnChild(entry: string, task: ChildTask): Promise<ChildResult> {
  return new Promise((resolveChild, rejectChild) => {
    const child = spawn(process.execPath, [entry, '--task', JSON.stringify(task)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent', NODE_OPTIONS: imageNodeOptions() },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (task.traceMemory) process.stdout.write(err);
      if (code !== 0) return rejectChild(new Error(`the ${task.path} child exited with ${code}:\n${err}${out}`));
      resolveChild(JSON.parse(last) as ChildResult);
    });
  });
}

/** Creates a fresh, migrated database and QuestDB prefix for one run; returns them and their cleanup. */
async function freshStores(baseUrl: string, questdb: QuestDbHttp): Promise<{ databaseUrl: string; tablePrefix: string; drop(): Promise<void> }> {
  const id = randomBytes(4).toString('hex');
  const url = new URL(baseUrl);
  url.pathname = `/upstox_bench_instruments_${id}`;
  const databaseUrl = url.toString();
  // A new prefix per run: QuestDB 9.3.4 loses the first ILP writes to a table that was
  // dropped and created again under the same name.
  const tablePrefix = `bi${id}_`;
  await ensureDatabase(databaseUrl);
  const pool = createPostgresPool(databaseUrl, { max: 2 });
  await migrate({ pool, questdb, tablePrefix, migrationsDir: join(ROOT, 'migrations'), log: silentLogger() });
  await pool.query('CREATE TABLE instruments_baseline (LIKE instruments INCLUDING ALL)');
  await pool.end();
  return {
    databaseUrl,
    tablePrefix,
    async drop() {
      const admin = new URL(baseUrl);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${url.pathname.slice(1)} WITH (FORCE)`);
      await client.end();
      const tables = await questdb.exec(`SELECT table_name FROM tables() WHERE table_name LIKE ${sqlString(`${tablePrefix}%`)}`);
      for (const [name] of tables.dataset) await questdb.exec(`DROP TABLE IF EXISTS ${String(name)}`);
    },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const base = loadConfig();
  const questdb = new QuestDbHttp(base.questdb);
  const entry = buildChild();
  const assets = await startAssetsSimulator();
  try {
    const variant = { kind: 'large', copies: options.copies } as const;
    assets.serve('NSE', variant);
    // Built once before any run, so no run times the simulator.
    const probe = await fetch(`${assets.url}/market-quote/instruments/exchange/NSE.json.gz`);
    const compressedBytes = (await probe.arrayBuffer()).byteLength;
    const rowsPerFile = 99_389 * options.copies;
    const version = String((await questdb.exec('SELECT build()')).dataset[0]?.[0] ?? '').replace('Build Information: ', '');
    console.log(`${version}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model}; ${Math.round(totalmem() / 2 ** 30)} GiB; children NODE_OPTIONS=${imageNodeOptions()}`);
    console.log(`file: the NSE master × ${options.copies} = ${rowsPerFile.toLocaleString('en-US')} rows, ${(compressedBytes / 2 ** 20).toFixed(1)} MiB gzipped; ${options.runs} runs`);

    const results: Record<'product' | 'baseline', ChildResult[]> = { product: [], baseline: [] };
    const paths: ('product' | 'baseline')[] = options.baseline ? ['product', 'baseline'] : ['product'];
    for (let run = 1; run <= options.runs; run++) {
      for (const path of run % 2 === 1 ? paths : [...paths].reverse()) {
        const stores = await freshStores(base.postgres.url, questdb);
        try {
          const result = await spawnChild(entry, { path, databaseUrl: stores.databaseUrl, tablePrefix: stores.tablePrefix, assetsUrl: assets.url, minRows: rowsPerFile, traceMemory: options.traceMemory });
          results[path].push(result);
          console.log(
            `run ${run} ${path.padEnd(8)} ${result.seconds.toFixed(2)} s  ${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s  ` +
              `rows ${result.rows}  peak RSS ${result.peakRssMb.toFixed(1)} MiB (${result.startRssMb.toFixed(1)} before the load)`,
          );
          if (result.rows !== rowsPerFile) throw new Error(`the ${path} run stored ${result.rows} rows, expected ${rowsPerFile}`);
        } finally {
          await stores.drop();
        }
      }
    }

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const productSeconds = median(results.product.map((r) => r.seconds));
    const productRss = median(results.product.map((r) => r.peakRssMb));
    const worstRss = Math.max(...results.product.map((r) => r.peakRssMb));
    console.log(`\nmedian product load ${productSeconds.toFixed(2)} s, median peak RSS ${productRss.toFixed(1)} MiB, highest ${worstRss.toFixed(1)} MiB (cap ${RSS_CAP_MB} MiB)`);
    if (options.baseline) {
      const baselineSeconds = median(results.baseline.map((r) => r.seconds));
      console.log(`median per-row INSERT baseline ${baselineSeconds.toFixed(2)} s; baseline ÷ product ${(baselineSeconds / productSeconds).toFixed(2)}`);
    }
    if (worstRss >= RSS_CAP_MB) process.exitCode = 1;
  } finally {
    await assets.close();
  }
}

await main();
