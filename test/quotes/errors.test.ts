import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { optionChainJob } from '../../jobs/options.js';
import { ltpQuoteJob } from '../../jobs/quotes.js';
import { CannedServer } from '../support/canned-server.js';
import { JobHarness } from './harness.js';

// Bodies that the simulator never sends, from a canned server through the worker: impossible
// values and schema mismatches go to quarantine without a retry, and entries for keys that
// were not requested are reported, not stored.

const server = new CannedServer();
const KEY = 'NSE_EQ|INE848E01016';
let harness: JobHarness;

beforeAll(async () => {
  await server.start();
  harness = await JobHarness.start(Date.parse('2026-02-26T11:20:30+05:30'), { upstoxUrl: server.url });
});
afterAll(async () => {
  await harness?.close();
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
});

async function quarantined(jobId: string): Promise<{ raw_body: string; reason: string }[]> {
  const { rows } = await harness.ctx.pool.query<{ raw_body: string; reason: string }>('SELECT raw_body, reason FROM quarantine WHERE job_id = $1', [jobId]);
  return rows;
}

describe('quote job errors', () => {
  it('quarantines an impossible quantity', async () => {
    const body = JSON.stringify({ status: 'success', data: { 'NSE_EQ:NHPC': { last_price: 80.1, instrument_token: KEY, ltq: -5, volume: 100, cp: 79 } } });
    server.route(() => ({ status: 200, body }));
    const outcome = await harness.settle(ltpQuoteJob, { instrumentKeys: [KEY], asOf: '2026-02-26T11:20:00+05:30' });
    expect(outcome.state).toBe('failed');
    expect(outcome.failedReason).toContain('ltq -5');
    expect(server.requests).toHaveLength(1);
    const rows = await quarantined(outcome.jobId);
    expect(rows.map((r) => r.raw_body)).toEqual([body]);
    expect(rows[0]!.reason).toMatch(/cannot be real: LTP quote NSE_EQ:NHPC \(NSE_EQ\|INE848E01016\) has ltq -5/);
  });

  it('quarantines a schema mismatch', async () => {
    const body = JSON.stringify({ status: 'success', data: { 'NSE_EQ:NHPC': { last_price: '80.1', instrument_token: KEY } } });
    server.route(() => ({ status: 200, body }));
    const outcome = await harness.settle(ltpQuoteJob, { instrumentKeys: [KEY], asOf: '2026-02-26T11:21:00+05:30' });
    expect([outcome.state, server.requests.length]).toEqual(['failed', 1]);
    expect((await quarantined(outcome.jobId)).map((r) => r.raw_body)).toEqual([body]);
  });

  it('reports entries for other keys', async () => {
    const body = JSON.stringify({ status: 'success', data: { 'NSE_EQ:XYZ': { last_price: 10, instrument_token: 'NSE_EQ|INE999Z01019' } } });
    server.route(() => ({ status: 200, body }));
    const result = await harness.run(ltpQuoteJob, { instrumentKeys: [KEY], asOf: '2026-02-26T11:22:00+05:30' });
    expect([result.rowsWritten, result.state]).toEqual([0, 'incomplete']);
    expect(result.detail).toBe(`1 of 1 keys missing from response: ${KEY}; 1 response entries match no requested key: NSE_EQ:XYZ`);
  });

  it('quarantines a chain of another expiry', async () => {
    const strike = { expiry: '2026-03-10', strike_price: 25000, underlying_key: 'NSE_INDEX|Nifty 50', underlying_spot_price: 25100, pcr: 1, call_options: { instrument_key: 'NSE_FO|1', market_data: { ltp: 200 }, option_greeks: { iv: 12 } } };
    server.route(() => ({ status: 200, body: JSON.stringify({ status: 'success', data: [strike] }) }));
    const outcome = await harness.settle(optionChainJob, { instrumentKey: 'NSE_INDEX|Nifty 50', expiryDate: '2026-03-02', asOf: '2026-02-26T11:20:00+05:30' });
    expect([outcome.state, server.requests.length]).toEqual(['failed', 1]);
    expect((await quarantined(outcome.jobId))[0]!.reason).toContain('expires on 2026-03-10, but expiry 2026-03-02 was requested');
  });
});
