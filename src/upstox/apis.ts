// Names of the Upstox APIs the client calls. Rate budgets are kept per API (or per configured
// group), and the simulator counts its rate windows per API under the same names.

export const UPSTOX_APIS = {
  historicalCandle: 'historical-candle',
  intradayCandle: 'intraday-candle',

  fullMarketQuote: 'full-market-quote',
  ohlcQuotes: 'ohlc-quotes',
  ltpQuotes: 'ltp-quotes',

  optionGreeks: 'option-greeks',
  optionContracts: 'option-contracts',
  optionChain: 'option-chain',

  marketDataFeedAuthorize: 'market-data-feed-authorize',
  marketStatus: 'market-status',
  marketHolidays: 'market-holidays',
  marketTimings: 'market-timings',
  instrumentSearch: 'instrument-search',
  brokerage: 'brokerage',
  expiredExpiries: 'expired-expiries',
  expiredOptionContracts: 'expired-option-contracts',
  expiredFutureContracts: 'expired-future-contracts',
  expiredHistoricalCandle: 'expired-historical-candle',

  instrumentsMaster: 'instruments-master',

  profile: 'profile',
  fundsAndMargin: 'funds-and-margin',
  fundsAndMarginV3: 'funds-and-margin-v3',
  positions: 'positions',
  mtfPositions: 'mtf-positions',
  holdings: 'holdings',
  orderBook: 'order-book',
  orderDetails: 'order-details',
  orderHistory: 'order-history',
  tradesForDay: 'trades-for-day',
  orderTrades: 'order-trades',
  historicalTrades: 'historical-trades',
  pnlMetadata: 'pnl-metadata',
  pnlReport: 'pnl-report',
  pnlCharges: 'pnl-charges',
  mfHoldings: 'mf-holdings',
  mfOrders: 'mf-orders',
  mfOrderDetails: 'mf-order-details',
  mfSips: 'mf-sips',

  marketAnalytics: 'market-analytics',
  smartlist: 'smartlist',
  fundamentals: 'fundamentals',
  corporateActions: 'corporate-actions',
  news: 'news',
} as const;

export type UpstoxApiName = (typeof UPSTOX_APIS)[keyof typeof UPSTOX_APIS];

export const ALL_UPSTOX_APIS: readonly UpstoxApiName[] = Object.values(UPSTOX_APIS);
