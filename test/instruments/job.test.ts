import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentsMasterJob } from '../../jobs/instruments.js';
import { withUpstoxSettings } from '../../src/config/env.js';
import { JobProducer } from '../../src/queue/producer.js';
import { startAssetsSimulator, type RunningAssetsSimulator } from '../../src/simulator/assets-server.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { startIngestWorker, type RunningIngestWorker } from '../../workers/ingest-worker.js';
import { waitFor } from '../account/run-job.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// Assets simulator → worker → Postgres and QuestDB for the instruments-master job, with the
// real NSE master of 2026-02-27 (99,389 rows). The tests run in order: a first load, the
// same file again, three broken downloads, then a republished file.

const TOKEN = 'instruments-job-token';
const NSE_ROWS = 99_389;

let ctx: TestContext;
let producer: JobProducer;
let sim: RunningSimulator;
let assets: RunningAssetsSimulator;
let worker: RunningIngestWorker;

interface Settled {
  state: string;
  returnvalue: { state: string; rowsWritten: number; detail: string } | undefined;
  failedReason: string | undefined;
}

/** Queues the NSE load as the CLI does and waits until the worker settles it. */
async function loadNse(): Promise<Settled> {
  const payload = instrumentsMasterJob.payloadSchema.parse({ file: 'NSE' });
  const jobId = instrumentsMasterJob.jobId(payload, 'main');
  await producer.enqueue([{ jobId, name: instrumentsMasterJob.name, data: { ...payload } }], 'nightly');
  const queue = producer.queues.nightly;
  const settled = async () => {
    const state = await queue.getJobState(jobId);
    return state === 'completed' || state === 'failed' ? state : undefined;
  };
  const state = await waitFor(`job ${jobId} to finish`, settled, 120_000);
  const job = await queue.getJob(jobId);
  return { state, returnvalue: job?.returnvalue as Settled['returnvalue'], failedReason: job?.failedReason };
}

/** Reads what a load may change, as one value that two states can be compared by. */
async function storeState(): Promise<Record<string, unknown>> {
  const one = async (sql: string) => (await ctx.pool.query(sql)).rows[0] as Record<string, unknown>;
  const table = (name: string) => `${ctx.config.questdb.tablePrefix}${name}`;
  const published = await ctx.questdb.exec(`SELECT cast(loaded_at AS LONG), row_count, versions FROM ${table('instrument_snapshots')} ORDER BY loaded_at DESC LIMIT 1`);
  const latest = published.dataset[0];
  const copied = latest ? await ctx.questdb.exec(`SELECT count() FROM ${table('instruments')} WHERE loaded_at = cast(${String(latest[0])} AS TIMESTAMP)`) : undefined;
  return {
    instruments: await one(`SELECT count(*)::int AS rows, md5(string_agg(i::text, '|' ORDER BY instrument_key)) AS digest FROM instruments i`),
    versions: (await ctx.pool.query('SELECT id::int, file, row_count, new_count, changed_count, gone_count, active FROM instrument_versions ORDER BY id')).rows,
    changes: await one(`SELECT count(*)::int AS rows, md5(string_agg(c::text, '|' ORDER BY version_id, instrument_key)) AS digest FROM instrument_changes c`),
    staging: await one('SELECT count(*)::int AS rows FROM instrument_staging'),
    questdb: latest && { rowCount: Number(latest[1]), versions: latest[2], copied: Number(copied!.dataset[0]![0]) },
  };
}

beforeAll(async () => {
  ctx = await createTestContext({ UPSTOX_ACCOUNT: 'main', JOB_ATTEMPTS: '1' });
  producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, 'main', 1);
  sim = await startSimulator({ tokens: { [TOKEN]: 'main' } });
  assets = await startAssetsSimulator();
  worker = await startIngestWorker(withUpstoxSettings(ctx.config, { token: TOKEN, baseUrl: sim.url, assetsBaseUrl: assets.url }), ctx.log);
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await assets?.close();
  await sim?.close();
  await producer?.close();
  await ctx?.cleanup();
});

// A load of the whole file takes about 30 s here, and longer while other test files run.
describe('instruments-master job', { timeout: 180_000 }, () => {
  let loaded: Record<string, unknown>;

  it('loads the real NSE master completely', async () => {
    const run = await loadNse();
    expect([run.state, run.failedReason]).toEqual(['completed', undefined]);
    expect(run.returnvalue?.state).toBe('loaded');
    loaded = await storeState();
    expect(loaded).toMatchObject({
      instruments: { rows: NSE_ROWS },
      versions: [{ id: 1, file: 'NSE', row_count: NSE_ROWS, new_count: NSE_ROWS, changed_count: 0, gone_count: 0, active: true }],
      changes: { rows: NSE_ROWS },
      staging: { rows: 0 },
      questdb: { rowCount: NSE_ROWS, versions: 'NSE:1', copied: NSE_ROWS },
    });
    const segments = await ctx.pool.query<{ segment: string; n: number }>('SELECT segment, count(*)::int AS n FROM instruments GROUP BY segment ORDER BY segment');
    expect(segments.rows.map((r) => [r.segment, r.n])).toEqual([
      ['NCD_FO', 9_608],
      ['NSE_COM', 43_596],
      ['NSE_EQ', 8_898],
      ['NSE_FO', 37_152],
      ['NSE_INDEX', 135],
    ]);
  });

  it('stores each row with its units converted', async () => {
    const rows = await ctx.pool.query(
      `SELECT instrument_key, segment, trading_symbol, isin, exchange_token, lot_size, tick_size::text, strike_price::text,
              expiry::text, expiry_at, underlying_key, raw->>'security_type' AS security_type
       FROM instruments WHERE instrument_key IN ('NSE_EQ|INE002A01018', 'NSE_FO|50973') ORDER BY instrument_key`,
    );
    expect(rows.rows).toEqual([
      {
        instrument_key: 'NSE_EQ|INE002A01018',
        segment: 'NSE_EQ',
        trading_symbol: 'RELIANCE',
        isin: 'INE002A01018',
        exchange_token: '2885',
        lot_size: 1,
        tick_size: '0.1',
        strike_price: null,
        expiry: null,
        expiry_at: null,
        underlying_key: null,
        security_type: 'NORMAL',
      },
      {
        instrument_key: 'NSE_FO|50973',
        segment: 'NSE_FO',
        trading_symbol: 'NIFTY 27000 CE 30 JUN 26',
        isin: null,
        exchange_token: '50973',
        lot_size: 65,
        tick_size: '0.05',
        strike_price: '27000',
        expiry: '2026-06-30',
        expiry_at: new Date('2026-06-30T18:29:59Z'),
        underlying_key: 'NSE_INDEX|Nifty 50',
        security_type: null,
      },
    ]);
  });

  it('leaves an unchanged file alone', async () => {
    const run = await loadNse();
    expect([run.state, run.returnvalue?.state, run.returnvalue?.rowsWritten]).toEqual(['completed', 'unchanged', 0]);
    expect(await storeState()).toEqual(loaded);
  });

  it.each([
    ['truncated', /gzip stream that ends early/],
    ['invalid-json', /not one array of objects/],
    ['empty', /0 rows, below the minimum of 50000/],
  ] as const)('keeps the previous master when the download is %s', async (kind, reason) => {
    assets.serve('NSE', { kind });
    try {
      const run = await loadNse();
      expect(run.state).toBe('failed');
      expect(run.failedReason).toMatch(reason);
      expect(run.failedReason).toMatch(/previous master stays active/);
      expect(await storeState()).toEqual(loaded);
    } finally {
      assets.reset();
    }
  });

  it('records a republished file\'s changes', async () => {
    assets.serve('NSE', { kind: 'republished' });
    try {
      const run = await loadNse();
      expect([run.state, run.returnvalue?.state]).toEqual(['completed', 'loaded']);
    } finally {
      assets.reset();
    }
    const state = await storeState();
    // Failed loads reserved ids from the same sequence, so the new version's id is not 2.
    const id = (state.versions as { id: number }[])[1]?.id;
    expect(state).toMatchObject({
      instruments: { rows: NSE_ROWS },
      versions: [
        { id: 1, active: false },
        { id, file: 'NSE', row_count: NSE_ROWS, new_count: 1, changed_count: 1, gone_count: 1, active: true },
      ],
      staging: { rows: 0 },
      questdb: { rowCount: NSE_ROWS, versions: `NSE:${id}`, copied: NSE_ROWS },
    });
    expect(id).toBeGreaterThan(1);
    const changes = await ctx.pool.query(
      `SELECT instrument_key, change, fields, before->>'lot_size' AS lot_before, after->>'lot_size' AS lot_after
       FROM instrument_changes WHERE version_id = $1 ORDER BY instrument_key`,
      [id],
    );
    expect(changes.rows).toEqual([
      { instrument_key: 'NCD_FO|14294', change: 'changed', fields: ['lot_size'], lot_before: '1', lot_after: '2' },
      { instrument_key: 'NCD_FO|14294-R', change: 'new', fields: null, lot_before: null, lot_after: null },
      { instrument_key: 'NSE_FO|50272', change: 'gone', fields: null, lot_before: '4425', lot_after: null },
    ]);
    const current = await ctx.pool.query("SELECT lot_size, version_id::int FROM instruments WHERE instrument_key IN ('NCD_FO|14294', 'NSE_FO|50272')");
    expect(current.rows).toEqual([{ lot_size: 2, version_id: id }]);
  });
});
