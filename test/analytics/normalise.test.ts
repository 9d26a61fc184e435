import { describe, expect, it } from 'vitest';
import { AnalyticsValueError, marketAnalyticsRow, parseLooseDate, type MarketAnalyticsKind } from '../../src/normalise/analytics.js';
import { corporateActionRows, fundamentalsRow, type FundamentalsSource } from '../../src/normalise/fundamentals.js';
import { newsRows } from '../../src/normalise/news.js';
import {
  companyProfileSchema,
  competitorListSchema,
  corporateActionListSchema,
  keyRatioListSchema,
  newsDataSchema,
  shareHoldingListSchema,
  statementSchema,
} from '../../src/upstox/analytics.js';
import { BODIES, INFY, NEWS_BODY, NIFTY, NOW, OTHER_LAYOUT_ACTIONS, RELIANCE } from './bodies.js';

const FETCHED_AT = '2026-05-06T14:30:00.000Z';

describe('market analytics normaliser', () => {
  const option = { instrument_key: NIFTY, expiry: '2026-05-19', date: '2026-05-06' };
  const cases: [string, MarketAnalyticsKind, Record<string, string | number>, { data: unknown }, string, string][] = [
    ['pcr', 'pcr', { ...option, bucket_interval: 15 }, BODIES.pcr, `bucket_interval=15&expiry=2026-05-19&instrument_key=${NIFTY}`, '2026-05-06'],
    ['oi', 'oi', option, BODIES.oi, `expiry=2026-05-19&instrument_key=${NIFTY}`, '2026-05-06'],
    ['change-oi', 'change-oi', { ...option, interval: 2 }, BODIES.changeOi, `expiry=2026-05-19&instrument_key=${NIFTY}&interval=2`, '2026-05-06'],
    ['max-pain', 'max-pain', { ...option, bucket_interval: 30 }, BODIES.maxPain, `bucket_interval=30&expiry=2026-05-19&instrument_key=${NIFTY}`, '2026-05-06'],
    ['fii', 'fii', { data_type: 'NSE_FO|INDEX_FUTURES', interval: '1D', from: '2026-04-27' }, BODIES.fii, 'data_type=NSE_FO|INDEX_FUTURES&from=2026-04-27&interval=1D', '2026-05-06'],
    ['dii', 'dii', { data_type: 'NSE_EQ|CASH', interval: '1M', from: '2026-01-01' }, BODIES.dii, 'data_type=NSE_EQ|CASH&from=2026-01-01&interval=1M', '2026-05-06'],
    ['smartlist futures', 'smartlist-futures', { asset_type: 'INDEX', category: 'TOP_TRADED', page_number: 1, page_size: 2 }, BODIES.smartlistFutures, 'asset_type=INDEX&category=TOP_TRADED&page_number=1&page_size=2', '2026-05-06'],
    ['smartlist options', 'smartlist-options', { asset_type: 'STOCK', category: 'OI_GAINERS', page_number: 1, page_size: 3 }, BODIES.smartlistOptions, 'asset_type=STOCK&category=OI_GAINERS&page_number=1&page_size=3', '2026-05-06'],
    ['smartlist mtf', 'smartlist-mtf', { page_number: 1, page_size: 20 }, BODIES.smartlistMtf, 'page_number=1&page_size=20', '2026-05-06'],
  ];

  for (const [name, kind, params, body, paramsKey, asOf] of cases) {
    it(`${name} body to one row`, () => {
      const hasUnderlying = 'instrument_key' in params;
      expect(marketAnalyticsRow({ kind, params }, body.data, NOW)).toEqual({
        kind,
        params_key: paramsKey,
        as_of_date: asOf,
        underlying_key: hasUnderlying ? NIFTY : null,
        expiry: hasUnderlying ? '2026-05-19' : null,
        params,
        data: body.data,
        fetched_at: FETCHED_AT,
      });
    });
  }

  it('pcr body has one bucket per 15 minutes', () => {
    expect((BODIES.pcr.data as { insights: unknown[] }).insights).toHaveLength(25);
  });

  it('missing data becomes null', () => {
    expect(marketAnalyticsRow({ kind: 'fii', params: { data_type: 'NSE_EQ|CASH', interval: '1D' } }, undefined, NOW).data).toBeNull();
  });

  it('rejects an impossible date', () => {
    expect(() => marketAnalyticsRow({ kind: 'oi', params: { ...option, date: '2026-02-30' } }, {}, NOW)).toThrow(AnalyticsValueError);
  });
});

describe('fundamentals normaliser', () => {
  const row = (source: FundamentalsSource, data: unknown, extra: { report_type?: string; time_period?: string; units_in?: string | null; full_statement?: boolean | null }) => ({
    kind: source.kind,
    subject: source.subject,
    isin: source.isin,
    report_type: extra.report_type ?? '',
    time_period: extra.time_period ?? '',
    as_of_date: '2026-05-06',
    units_in: extra.units_in ?? null,
    full_statement: extra.full_statement ?? null,
    data,
    fetched_at: FETCHED_AT,
  });

  it('profile body to one row', () => {
    const source = { kind: 'profile', isin: RELIANCE, subject: RELIANCE } as const;
    const data = companyProfileSchema.parse(BODIES.profile.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(row(source, BODIES.profile.data, {}));
  });

  it('key ratios body to one row', () => {
    const source = { kind: 'key-ratios', isin: RELIANCE, subject: RELIANCE } as const;
    const data = keyRatioListSchema.parse(BODIES.keyRatios.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(row(source, BODIES.keyRatios.data, {}));
  });

  it('balance sheet body to one row', () => {
    const source = { kind: 'balance-sheet', isin: INFY, subject: INFY, reportType: 'standalone', fullStatement: true } as const;
    const data = statementSchema.parse(BODIES.balanceSheet.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(row(source, BODIES.balanceSheet.data, { report_type: 'standalone', units_in: 'crore', full_statement: true }));
  });

  it('income statement body to one row', () => {
    const source = { kind: 'income-statement', isin: INFY, subject: INFY, reportType: 'consolidated', timePeriod: 'quarterly', fullStatement: false } as const;
    const data = statementSchema.parse(BODIES.incomeStatement.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(
      row(source, BODIES.incomeStatement.data, { report_type: 'consolidated', time_period: 'quarterly', units_in: 'crore', full_statement: false }),
    );
  });

  it('cash flow body to one row', () => {
    const source = { kind: 'cash-flow', isin: INFY, subject: INFY, reportType: 'consolidated', fullStatement: true } as const;
    const data = statementSchema.parse(BODIES.cashFlow.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(row(source, BODIES.cashFlow.data, { report_type: 'consolidated', units_in: 'crore', full_statement: true }));
  });

  it('share holdings body to one row', () => {
    const source = { kind: 'share-holdings', isin: RELIANCE, subject: RELIANCE } as const;
    const data = shareHoldingListSchema.parse(BODIES.shareHoldings.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(row(source, BODIES.shareHoldings.data, {}));
  });

  it('competitors body to one row', () => {
    const source = { kind: 'competitors', isin: INFY, subject: `NSE_EQ|${INFY}` } as const;
    const data = competitorListSchema.parse(BODIES.competitors.data);
    expect(fundamentalsRow(source, data, NOW)).toEqual(row(source, BODIES.competitors.data, {}));
  });

  it('rejects a statement of another type', () => {
    const source = { kind: 'balance-sheet', isin: INFY, subject: INFY, reportType: 'consolidated', fullStatement: true } as const;
    expect(() => fundamentalsRow(source, statementSchema.parse(BODIES.balanceSheet.data), NOW)).toThrow(/has type "standalone" but consolidated was requested/);
  });
});

describe('corporate actions normaliser', () => {
  it('reliance body to typed rows', () => {
    const actions = corporateActionListSchema.parse(BODIES.corporateActions.data);
    const raw = BODIES.corporateActions.data as unknown[];
    expect(corporateActionRows(RELIANCE, actions, NOW)).toEqual({
      rows: [
        { isin: RELIANCE, action_type: 'Dividend', ex_date: '2025-08-14', purpose: 'Final Dividend', record_date: '2025-08-14', announcement_date: '2025-04-25', amount: 5.5, ratio: null, raw: raw[0], fetched_at: FETCHED_AT },
        { isin: RELIANCE, action_type: 'Bonus', ex_date: '2024-10-28', purpose: 'Bonus issue 1:1', record_date: '2024-10-28', announcement_date: '2024-09-05', amount: null, ratio: '1:1', raw: raw[1], fetched_at: FETCHED_AT },
        { isin: RELIANCE, action_type: 'Dividend', ex_date: '2024-08-19', purpose: 'Final Dividend', record_date: '2024-08-19', announcement_date: '2024-04-22', amount: 10, ratio: null, raw: raw[2], fetched_at: FETCHED_AT },
      ],
      duplicates: [],
    });
  });

  it('other date layouts and a repeat', () => {
    const actions = corporateActionListSchema.parse(OTHER_LAYOUT_ACTIONS.data);
    const raw = OTHER_LAYOUT_ACTIONS.data as unknown[];
    expect(corporateActionRows(INFY, actions, NOW)).toEqual({
      rows: [
        { isin: INFY, action_type: 'Split', ex_date: '2024-03-12', purpose: 'Stock split from Rs 10 to Rs 2', record_date: '2024-03-12', announcement_date: null, amount: null, ratio: '1:5', raw: raw[0], fetched_at: FETCHED_AT },
        { isin: INFY, action_type: 'Dividend', ex_date: '2023-07-19', purpose: '', record_date: null, announcement_date: null, amount: 7.25, ratio: null, raw: raw[1], fetched_at: FETCHED_AT },
      ],
      duplicates: ['Dividend ex 2023-07-19'],
    });
  });

  it('rejects an unreadable ex-date', () => {
    const actions = corporateActionListSchema.parse([{ name: 'Dividend', expiry_date: 14, amount: 5.5 }]);
    expect(() => corporateActionRows(RELIANCE, actions, NOW)).toThrow(/invalid ex-date \(expiry_date\) of Dividend for INE002A01018 14/);
  });

  it('rejects a negative amount', () => {
    const actions = corporateActionListSchema.parse([{ name: 'Dividend', expiry_date: '2025-08-14', amount: -1 }]);
    expect(() => corporateActionRows(RELIANCE, actions, NOW)).toThrow(AnalyticsValueError);
  });

  it('schema requires the ex-date', () => {
    expect(corporateActionListSchema.safeParse([{ name: 'Dividend', amount: 5.5 }]).success).toBe(false);
  });
});

describe('loose dates', () => {
  const cases: [string | number, string][] = [
    ['2024-08-19', '2024-08-19'],
    ['19-08-2024', '2024-08-19'],
    ['19/08/2024', '2024-08-19'],
    ['19 Aug 2024', '2024-08-19'],
    ['9-Aug-2024', '2024-08-09'],
    ['19 August, 2024', '2024-08-19'],
    ['2024-08-18T20:00:00Z', '2024-08-19'],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${input}`, () => {
      expect(parseLooseDate(input, 'date')).toBe(expected);
    });
  }

  it('rejects 31-02-2024', () => {
    expect(() => parseLooseDate('31-02-2024', 'record date')).toThrow(/invalid record date "31-02-2024"/);
  });
});

describe('news normaliser', () => {
  it('news body to one row per article', () => {
    const data = newsDataSchema.parse(NEWS_BODY.data);
    const items = NEWS_BODY.data as Record<string, unknown[]>;
    expect(newsRows([data], NOW)).toEqual([
      {
        id: '63ef0d954ce8531f0069b021a9937bdb',
        title: 'Markets end higher',
        summary: 'Benchmarks closed up one percent.',
        url: 'https://news.example.com/markets/end-higher',
        thumbnail_url: 'https://news.example.com/images/a.jpg',
        published_at: '2026-05-06T06:00:00.000Z',
        instruments: [`NSE_EQ|${RELIANCE}`, `NSE_EQ|${INFY}`],
        raw: items[`NSE_EQ|${RELIANCE}`]![0],
        fetched_at: FETCHED_AT,
      },
      {
        id: '4e33bcceb4b093d7d505b118b89face5',
        title: 'Reliance board meets',
        summary: null,
        url: 'https://news.example.com/ril/board',
        thumbnail_url: null,
        // published_time in seconds, read as such.
        published_at: '2026-05-06T04:00:00.000Z',
        instruments: [`NSE_EQ|${RELIANCE}`],
        raw: items[`NSE_EQ|${RELIANCE}`]![1],
        fetched_at: FETCHED_AT,
      },
    ]);
  });

  it('simulator body merges the shared story', () => {
    const rows = newsRows([newsDataSchema.parse(BODIES.news.data)], NOW);
    const shared = rows.filter((r) => r.title?.startsWith('Sensex and Nifty'));
    expect(shared.map((r) => r.instruments)).toEqual([[`NSE_EQ|${RELIANCE}`, `NSE_EQ|${INFY}`]]);
  });

  it('rejects a timestamp in microseconds', () => {
    const data = newsDataSchema.parse({ 'NSE_EQ|INE002A01018': [{ heading: 'x', published_time: 1778047200000000 }] });
    expect(() => newsRows([data], NOW)).toThrow(/invalid published_time 1778047200000000/);
  });
});
