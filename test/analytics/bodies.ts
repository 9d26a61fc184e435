import { companyProfile, competitors, corporateActions, keyRatios, shareHoldings, statement } from '../../src/simulator/analytics-fundamentals.js';
import { activityData, optionAnalyticsData, smartlistData } from '../../src/simulator/analytics-market.js';
import { newsPage } from '../../src/simulator/analytics-news.js';

// Response bodies the simulator composes for fixed requests, built by the same functions its
// routes call, plus hand-written bodies for layouts the simulator does not send.

/** 2026-05-06 20:00 IST, a Wednesday evening: the as-of instant of the composed bodies. */
export const NOW = Date.parse('2026-05-06T20:00:00+05:30');
export const NIFTY = 'NSE_INDEX|Nifty 50';
export const RELIANCE = 'INE002A01018';
export const INFY = 'INE009A01021';

const FUTURES = ['NSE_FO|51820', 'NSE_FO|51821', 'NSE_FO|51822'];

function envelope(data: unknown, siblings: Record<string, unknown> = {}): { status: 'success'; data: unknown } & Record<string, unknown> {
  return { status: 'success', data, ...siblings };
}

const option = (kind: 'pcr' | 'oi' | 'change-oi' | 'max-pain', extra: { bucketInterval?: number; interval?: number }) =>
  envelope(optionAnalyticsData({ kind, instrumentKey: NIFTY, expiry: '2026-05-19', date: '2026-05-06', ...extra }));

const news = newsPage([`NSE_EQ|${RELIANCE}`, `NSE_EQ|${INFY}`], 1, 100, NOW);

/** Composed bodies, named by endpoint. */
export const BODIES = {
  pcr: option('pcr', { bucketInterval: 15 }),
  oi: option('oi', {}),
  changeOi: option('change-oi', { interval: 2 }),
  maxPain: option('max-pain', { bucketInterval: 30 }),
  fii: envelope(activityData('fii', 'NSE_FO|INDEX_FUTURES', '1D', '2026-04-27', NOW)),
  dii: envelope(activityData('dii', 'NSE_EQ|CASH', '1M', '2026-01-01', NOW)),
  smartlistFutures: envelope(smartlistData('futures', 'INDEX', 'TOP_TRADED', FUTURES, 1, 2)),
  smartlistOptions: envelope(smartlistData('options', 'STOCK', 'OI_GAINERS', FUTURES, 1, 3)),
  smartlistMtf: envelope(smartlistData('mtf', 'STOCK', 'MTF', [`NSE_EQ|${RELIANCE}`], 1, 20)),
  profile: envelope(companyProfile(RELIANCE)),
  keyRatios: envelope(keyRatios(RELIANCE)),
  balanceSheet: envelope(statement('balance-sheet', INFY, 'standalone', 'yearly', true)),
  incomeStatement: envelope(statement('income-statement', INFY, 'consolidated', 'quarterly', false)),
  cashFlow: envelope(statement('cash-flow', INFY, 'consolidated', 'yearly', true)),
  shareHoldings: envelope(shareHoldings(RELIANCE)),
  corporateActions: envelope(corporateActions(RELIANCE)),
  competitors: envelope(competitors(`NSE_EQ|${INFY}`, [])),
  news: envelope(news.data, { metadata: news.metadata }),
};

/** Corporate actions with the other date layouts the normaliser reads, and a repeated key. */
export const OTHER_LAYOUT_ACTIONS = envelope([
  {
    name: 'Split',
    expiry_date: '12-03-2024',
    ratio: '1:5',
    event_details: [
      { name: 'Record Date', value: '12 Mar 2024' },
      { name: 'Purpose', value: 'Stock split from Rs 10 to Rs 2' },
    ],
  },
  { name: 'Dividend', expiry_date: '19-Jul-2023', amount: 7.25 },
  { name: 'Dividend', expiry_date: '2023-07-19', amount: 7.5 },
]);

/** News as the OpenAPI document describes it: one article listed under two keys, one under one. */
export const NEWS_BODY = envelope(
  {
    [`NSE_EQ|${RELIANCE}`]: [
      {
        heading: 'Markets end higher',
        summary: 'Benchmarks closed up one percent.',
        thumbnail: 'https://news.example.com/images/a.jpg',
        article_link: 'https://news.example.com/markets/end-higher',
        published_time: 1778047200000,
      },
      { heading: 'Reliance board meets', article_link: 'https://news.example.com/ril/board', published_time: 1778040000 },
    ],
    [`NSE_EQ|${INFY}`]: [
      {
        heading: 'Markets end higher',
        summary: 'Benchmarks closed up one percent.',
        thumbnail: 'https://news.example.com/images/a.jpg',
        article_link: 'https://news.example.com/markets/end-higher',
        published_time: 1778047200000,
      },
    ],
  },
  { metadata: { page: { page_number: 1, page_size: 100, total_records: 3, total_pages: 1 } } },
);
