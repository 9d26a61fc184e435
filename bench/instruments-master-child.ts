// One measured load of the instruments-master benchmark, in a process of its own. The
// parent (bench/instruments-master.ts) compiles this file and runs it with plain `node`, as
// production runs the compiled worker, so the figures exclude the TypeScript loader. It
// prints one JSON line: wall time, rows stored and the process's peak resident set.
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { loadInstrumentMaster } from '../jobs/instruments-load.js';
import { loadConfig } from '../src/config/env.js';
import { readInstrumentBatches } from '../src/instruments/master-reader.js';
import { silentLogger } from '../src/log/logger.js';
import { createPostgresPool } from '../src/stores/postgres/pool.js';
import { PostgresStore } from '../src/stores/postgres/store.js';
import { QuestDbHttp } from '../src/stores/questdb/questdb-http.js';
import { QuestDbRowWriter } from '../src/stores/questdb/row-writer.js';
import { SenderPool } from '../src/stores/questdb/sender-pool.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { createUpstoxClient } from '../src/upstox/client.js';

/** The task the parent gives one child. */
export interface ChildTask {
  readonly path: 'product' | 'baseline';
  readonly databaseUrl: string;
  readonly tablePrefix: string;
  readonly assetsUrl: string;
  readonly minRows: number;
  /** True to write the memory figures to stderr every 2 s. */
  readonly traceMemory: boolean;
}

/** The result a child prints as its last line of output. */
export interface ChildResult {
  readonly seconds: number;
  readonly rows: number;
  /**
   * Peak resident set of the child: VmHWM in /proc/self/status. Not resourceUsage().maxRSS,
   * because Linux keeps that figure across execve, so it starts at the parent's resident set
   * when the child was forked, and the parent keeps the generated file in memory.
   */
  readonly peakRssMb: number;
  /** Resident set after the modules were loaded, before the load started. */
  readonly startRssMb: number;
}

function vmHwmMb(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Writes the memory figures to stderr, which the parent prints with `--trace-memory`. */
function traceMemory(started: number): void {
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const m = process.memoryUsage();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`${seconds} s: rss ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, external ${mib(m.external)}, array buffers ${mib(m.arrayBuffers)}\n`);
}

async function runChild(task: ChildTask): Promise<void> {
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  const base = loadConfig();
  const pool = createPostgresPool(task.databaseUrl, { max: 4 });
  const api = createUpstoxClient({ baseUrl: 'http://127.0.0.1:9', token: 'unused', requestTimeoutMs: 120_000 });
  const questdbSql = new QuestDbHttp(base.questdb);
  const senders = new SenderPool(base.questdb);
  try {
    const started = performance.now();
    const trace = task.traceMemory ? setInterval(() => traceMemory(started), 2000) : undefined;
    let rows: number;
    if (task.path === 'product') {
      const deps = {
        api,
        postgres: new PostgresStore(pool),
        questdb: new QuestDbRowWriter({ http: questdbSql, senders, tablePrefix: task.tablePrefix }),
        questdbSql,
        log: silentLogger(),
        assetsBaseUrl: task.assetsUrl,
      };
      await loadInstrumentMaster({ file: 'NSE', minRows: task.minRows }, deps);
      const [count] = (await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM instruments')).rows;
      rows = Number(count!.n);
    } else {
      rows = await baselineLoad(pool, api, task.assetsUrl);
    }
    clearInterval(trace);
    const seconds = (performance.now() - started) / 1000;
    const result: ChildResult = { seconds, rows, peakRssMb: vmHwmMb(), startRssMb };
    console.log(JSON.stringify(result));
  } finally {
    await senders.close();
    await api.close();
    await pool.end();
  }
}

const BASELINE_COLUMNS = [
  'instrument_key', 'file', 'version_id', 'segment', 'exchange', 'instrument_type', 'trading_symbol', 'name', 'short_name', 'isin',
  'exchange_token', 'lot_size', 'minimum_lot', 'freeze_quantity', 'tick_size', 'qty_multiplier', 'strike_price', 'expiry',
  'expiry_at', 'last_trading_date', 'weekly', 'underlying_key', 'underlying_symbol', 'underlying_type', 'asset_key',
  'asset_symbol', 'asset_type', 'raw',
];

// The same download and parser as the product, then one INSERT per row on one connection,
// all in one transaction, into `instruments_baseline` (a copy of `instruments`).
async function baselineLoad(pool: pg.Pool, api: ReturnType<typeof createUpstoxClient>, assetsUrl: string): Promise<number> {
  const folder = await mkdtemp(join(tmpdir(), 'bench-instruments-'));
  const client = await pool.connect();
  try {
    const download = await api.downloadInstrumentMaster({ file: 'NSE', assetsBaseUrl: assetsUrl, destination: join(folder, 'NSE.json.gz') });
    const sql = `INSERT INTO instruments_baseline (${BASELINE_COLUMNS.join(', ')}) VALUES (${BASELINE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    let rows = 0;
    await client.query('BEGIN');
    const batches = readInstrumentBatches(createReadStream(download.destination), { batchSize: 100, api: UPSTOX_APIS.instrumentsMaster, path: download.path });
    for await (const batch of batches) {
      for (const r of batch) {
        await client.query(sql, [
          r.instrumentKey, 'NSE', 0, r.segment, r.exchange, r.instrumentType, r.tradingSymbol, r.name, r.shortName, r.isin,
          r.exchangeToken, r.lotSize, r.minimumLot, r.freezeQuantity, r.tickSize, r.qtyMultiplier, r.strikePrice, r.expiry,
          r.expiryMs === null ? null : new Date(r.expiryMs).toISOString(), r.lastTradingDate, r.weekly, r.underlyingKey,
          r.underlyingSymbol, r.underlyingType, r.assetKey, r.assetSymbol, r.assetType, JSON.stringify(r.raw),
        ]);
        rows++;
      }
    }
    await client.query('COMMIT');
    return rows;
  } finally {
    client.release();
    await rm(folder, { recursive: true, force: true });
  }
}

const taskAt = process.argv.indexOf('--task');
if (taskAt >= 0) await runChild(JSON.parse(process.argv[taskAt + 1]!) as ChildTask);
