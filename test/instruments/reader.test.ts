import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstrumentBatches } from '../../src/instruments/master-reader.js';
import type { InstrumentRow } from '../../src/normalise/instruments.js';
import { instrumentFilesFor } from '../../src/simulator/instrument-files.js';
import { INSTRUMENTS_FILE } from '../../src/simulator/instruments.js';
import { UpstoxSchemaError, UpstoxUnexpectedBodyError } from '../../src/upstox/errors.js';

const DATA = join(import.meta.dirname, '..', '..', 'data', 'recorded');
const options = { batchSize: 500, api: 'instruments-master', path: '/market-quote/instruments/exchange/NSE.json.gz' };
const files = instrumentFilesFor(DATA);
let folder: string;

async function readAll(source: Readable): Promise<InstrumentRow[]> {
  const rows: InstrumentRow[] = [];
  for await (const batch of readInstrumentBatches(source, options)) rows.push(...batch);
  return rows;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'instruments-reader-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('master reader', () => {
  it('reads the real NSE master completely', async () => {
    const rows = await readAll(createReadStream(join(DATA, INSTRUMENTS_FILE)));
    const byKey = new Map(rows.map((row) => [row.instrumentKey, row]));
    const reliance = byKey.get('NSE_EQ|INE002A01018');
    const nifty = byKey.get('NSE_INDEX|Nifty 50');
    const option = byKey.get('NSE_FO|50973');
    expect(rows.length).toBe(99_389);
    expect(byKey.size).toBe(99_389);
    expect([reliance?.tradingSymbol, reliance?.tickSize, reliance?.isin, reliance?.lotSize]).toEqual(['RELIANCE', '0.1', 'INE002A01018', 1]);
    expect([nifty?.segment, nifty?.tradingSymbol, nifty?.tickSize, nifty?.expiry]).toEqual(['NSE_INDEX', 'NIFTY', null, null]);
    expect([option?.tradingSymbol, option?.expiry, option?.strikePrice, option?.lotSize, option?.tickSize]).toEqual(['NIFTY 27000 CE 30 JUN 26', '2026-06-30', 27000, 65, '0.05']);
  });

  it('counts the real master by segment', async () => {
    const counts: Record<string, number> = {};
    for (const row of await readAll(createReadStream(join(DATA, INSTRUMENTS_FILE)))) counts[row.segment] = (counts[row.segment] ?? 0) + 1;
    expect(counts).toEqual({ NCD_FO: 9608, NSE_EQ: 8898, NSE_FO: 37152, NSE_COM: 43596, NSE_INDEX: 135 });
  });

  it('batches rows', async () => {
    const sizes: number[] = [];
    for await (const batch of readInstrumentBatches(Readable.from([await files.body('MCX', { kind: 'normal' })]), { ...options, batchSize: 200 })) sizes.push(batch.length);
    expect(sizes).toEqual([200, 200, 200, 18]);
  });

  it('rejects a truncated gzip stream', async () => {
    const read = readAll(Readable.from([await files.body('NSE', { kind: 'truncated' })]));
    await expect(read).rejects.toThrow(UpstoxUnexpectedBodyError);
    await expect(readAll(Readable.from([await files.body('NSE', { kind: 'truncated' })]))).rejects.toThrow(/gzip stream that ends early \(a truncated download\)/);
  });

  it('rejects valid gzip of cut JSON', async () => {
    await expect(readAll(Readable.from([await files.body('BSE', { kind: 'invalid-json' })]))).rejects.toThrow(/not one array of objects \(after \d+ rows\).*truncated/);
  });

  it('rejects a body that is not gzip', async () => {
    await expect(readAll(Readable.from([Buffer.from('<html>504 Gateway Time-out</html>')]))).rejects.toThrow(/is not valid gzip/);
  });

  it('quarantines an invalid row', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = gzipSync(JSON.stringify([{ segment: 'NSE_EQ', instrument_key: 'NSE_EQ|A' }, { segment: 'NSE_EQ', instrument_key: 'NSE_EQ|B', lot_size: 'one' }]));
    const error = await readAll(Readable.from([body])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstoxSchemaError);
    expect((error as UpstoxSchemaError).rawBody).toBe('{"segment":"NSE_EQ","instrument_key":"NSE_EQ|B","lot_size":"one"}');
    expect((error as UpstoxSchemaError).issues[0]).toMatch(/^row 1: lot_size/);
  });

  it('parses twice the real master in bounded memory', async () => {
    // About 200,000 rows and 98 MB of JSON, parsed in a child process so its resident set
    // is this parse alone. Holding the file whole would need far more than its own size.
    const path = join(folder, 'large.json.gz');
    await writeFile(path, await files.body('NSE', { kind: 'large', copies: 2 }));
    const result = await new Promise<{ rows: number; startRssMb: number; peakRssMb: number; maxDelayMs: number }>((resolveRun, rejectRun) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'parse-child.ts'), path], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('exit', (code) => (code === 0 ? resolveRun(JSON.parse(out.trim().split('\n').pop()!)) : rejectRun(new Error(`parse child exited with ${code}: ${err}`))));
    });
    expect(result.rows).toBe(198_778);
    expect(result.peakRssMb - result.startRssMb).toBeLessThan(80);
    expect(result.peakRssMb).toBeLessThan(512);
    // The event loop must keep turning so that BullMQ renews the job's lock.
    expect(result.maxDelayMs).toBeLessThan(1000);
  }, 60_000);
});
