import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';

const TOKEN = 'sim-analytics-token';
const NIFTY = encodeURIComponent('NSE_INDEX|Nifty 50');
const RELIANCE_KEY = encodeURIComponent('NSE_EQ|INE002A01018');

let sim: RunningSimulator;

async function get(path: string): Promise<{ status: number; text: string; code: string | undefined }> {
  const response = await fetch(sim.url + path, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' } });
  const text = await response.text();
  const body = JSON.parse(text) as { errors?: { error_code?: string }[] };
  return { status: response.status, text, code: body.errors?.[0]?.error_code };
}

beforeAll(async () => {
  sim = await startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => Date.parse('2026-05-06T20:00:00+05:30') });
});
afterAll(async () => {
  await sim.close();
});

describe('analytics simulator errors', () => {
  const cases: [string, string, string][] = [
    ['unknown underlying', `/v2/market/pcr?instrument_key=${encodeURIComponent('NSE_INDEX|Nifty 5000')}&expiry=2026-05-19&date=2026-05-06&bucket_interval=15`, 'UDAPI100011'],
    ['bad expiry', `/v2/market/oi?instrument_key=${NIFTY}&expiry=19-05-2026&date=2026-05-06`, 'UDAPI1202'],
    ['bad date', `/v2/market/oi?instrument_key=${NIFTY}&expiry=2026-05-19&date=2026-13-01`, 'UDAPI1203'],
    ['change-oi interval', `/v2/market/change-oi?instrument_key=${NIFTY}&expiry=2026-05-19&date=2026-05-06&interval=0`, 'UDAPI1204'],
    ['bucket interval', `/v2/market/max-pain?instrument_key=${NIFTY}&expiry=2026-05-19&date=2026-05-06`, 'UDAPI1205'],
    ['fii data type', '/v2/market/fii?data_type=NSE_FO%7CFUTURES&interval=1D', 'UDAPI1198'],
    ['dii data type', '/v2/market/dii?data_type=NSE_FO%7CINDEX_FUTURES&interval=1D', 'UDAPI1198'],
    ['activity interval', '/v2/market/dii?data_type=NSE_EQ%7CCASH&interval=1W', 'UDAPI1199'],
    ['activity from', '/v2/market/fii?data_type=NSE_EQ%7CCASH&interval=1D&from=2026/01/01', 'UDAPI1200'],
    ['asset type', '/v2/market/smartlist/futures?asset_type=BOND', 'UDAPI1212'],
    ['commodity category', '/v2/market/smartlist/options?asset_type=COMMODITY&category=IV_GAINERS', 'UDAPI1213'],
    ['page size', '/v2/market/smartlist/mtf?page_size=51', 'UDAPI1214'],
    ['isin', '/v2/fundamentals/INE002A0101/profile', 'UDAPI1206'],
    ['report type', '/v2/fundamentals/INE002A01018/balance-sheet?type=merged', 'UDAPI1207'],
    ['time period', '/v2/fundamentals/INE002A01018/income-statement?time_period=monthly', 'UDAPI1208'],
    ['competitor key', `/v2/fundamentals/${encodeURIComponent('NSE_EQ|INE000000000')}/competitors`, 'UDAPI100011'],
    ['news category', '/v2/news?category=sectors', 'UDAPI1189'],
    ['news keys missing', '/v2/news?category=instrument_keys', 'UDAPI1190'],
    ['news 31 keys', `/v2/news?category=instrument_keys&instrument_keys=${Array.from({ length: 31 }, (_, i) => encodeURIComponent(`NSE_FO|${50000 + i}`)).join(',')}`, 'UDAPI1193'],
  ];

  for (const [name, path, code] of cases) {
    it(`rejects ${name} with ${code}`, async () => {
      const response = await get(path);
      expect([response.status, response.code]).toEqual([400, code]);
    });
  }

  it('answers an unknown fundamentals kind with 404', async () => {
    expect((await get('/v2/fundamentals/INE002A01018/dividends')).status).toBe(404);
  });
});

describe('analytics simulator data', () => {
  it('repeats the same bytes', async () => {
    const path = `/v2/market/pcr?instrument_key=${NIFTY}&expiry=2026-05-19&date=2026-05-06&bucket_interval=15`;
    expect((await get(path)).text).toBe((await get(path)).text);
  });

  it('leaves out full_statement unless fs=true', async () => {
    const without = JSON.parse((await get('/v2/fundamentals/INE002A01018/cash-flow')).text) as { data: Record<string, unknown> };
    const withFs = JSON.parse((await get('/v2/fundamentals/INE002A01018/cash-flow?fs=true')).text) as { data: Record<string, unknown> };
    expect(['full_statement' in without.data, 'full_statement' in withFs.data]).toEqual([false, true]);
  });

  it('pages the news', async () => {
    const pages = [1, 2, 3].map((n) => `/v2/news?category=instrument_keys&instrument_keys=${RELIANCE_KEY}&page_size=2&page_number=${n}`);
    const bodies = await Promise.all(pages.map(async (p) => JSON.parse((await get(p)).text) as { data: Record<string, unknown[]>; metadata: { page: { total_records: number } } }));
    const listed = bodies.reduce((sum, b) => sum + Object.values(b.data).flat().length, 0);
    expect(listed).toBe(Math.min(6, bodies[0]!.metadata.page.total_records));
  });

  it('counts requests under the API names', async () => {
    sim.resetStats();
    await get('/v2/market/smartlist/mtf');
    await get('/v2/fundamentals/INE002A01018/corporate-actions');
    await get('/v2/fundamentals/INE002A01018/profile');
    await get(`/v2/news?category=holdings`);
    await get('/v2/market/dii?data_type=NSE_EQ%7CCASH&interval=1D');
    expect(Object.keys(sim.stats().byApi).sort()).toEqual(['default:corporate-actions', 'default:fundamentals', 'default:market-analytics', 'default:news', 'default:smartlist']);
  });
});
