import { isIsoDate } from '../time/ist.js';
import { isInstrumentKey } from '../upstox/instrument-key.js';
import { activityData, optionAnalyticsData, smartlistData, type OptionAnalyticsQuery } from './analytics-market.js';
import { companyProfile, competitors, corporateActions, keyRatios, shareHoldings, statement } from './analytics-fundamentals.js';
import { newsPage } from './analytics-news.js';
import { customErrorResponse, errorResponse, successResponse, type SimulatorResponse } from './envelopes.js';
import { loadInstruments, MASTER_SEGMENTS, type InstrumentInfo } from './instruments.js';
import { decodeOnce, matchPattern, type SimRequest, type SimRoute, type SimRouteContext } from './route.js';

// The market-analytics, fundamentals and news endpoints:
//   GET /v2/market/{pcr|oi|change-oi|max-pain|fii|dii}
//   GET /v2/market/smartlist/{futures|options|mtf}
//   GET /v2/fundamentals/{isin}/{profile|key-ratios|balance-sheet|income-statement|cash-flow|share-holdings|corporate-actions}
//   GET /v2/fundamentals/{instrument_key}/competitors
//   GET /v2/news
// Parameters are checked in the order the OpenAPI document lists them, with the UDAPI codes
// its 400 descriptions give. Bodies are composed (see the analytics-*.ts modules).

const ISIN = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;
const FII_TYPES = new Set(['NSE_FO|INDEX_FUTURES', 'NSE_FO|STOCK_FUTURES', 'NSE_FO|INDEX_OPTIONS', 'NSE_FO|STOCK_OPTIONS', 'NSE_EQ|CASH']);
const SMARTLIST_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  futures: ['TOP_TRADED', 'MOST_ACTIVE', 'OI_GAINERS', 'OI_LOSERS', 'PRICE_GAINERS', 'PRICE_LOSERS', 'PREMIUM', 'DISCOUNT'],
  options: ['TOP_TRADED', 'MOST_ACTIVE', 'OI_GAINERS', 'OI_LOSERS', 'PRICE_GAINERS', 'PRICE_LOSERS', 'IV_GAINERS', 'IV_LOSERS', 'UNDER_5000', 'UNDER_10000'],
};
const COMMODITY_CATEGORIES = new Set(['TOP_TRADED', 'MOST_ACTIVE', 'OI_GAINERS', 'OI_LOSERS']);
const STATEMENTS = new Set(['balance-sheet', 'income-statement', 'cash-flow']);
const NEWS_CATEGORIES = new Set(['instrument_keys', 'positions', 'holdings']);
// The simulated account's holdings and positions, for news of category holdings or positions.
const ACCOUNT_KEYS = ['NSE_EQ|INE002A01018', 'NSE_EQ|INE009A01021'];
const SMARTLIST_DEFAULT_PAGE_SIZE = 20;

/** Keys of the instruments master grouped for the smartlists and competitors. */
interface KeyLists {
  readonly all: ReadonlyMap<string, InstrumentInfo>;
  readonly futures: readonly string[];
  readonly options: readonly string[];
  readonly equities: readonly string[];
}

/** Returns the simulated endpoints for market analytics, fundamentals, corporate actions and news. */
export function analyticsRoutes(context: SimRouteContext): SimRoute[] {
  let lists: Promise<KeyLists> | undefined;
  const keyLists = (): Promise<KeyLists> => {
    lists ??= loadInstruments(context.dataDir).then(groupKeys);
    lists.catch(() => (lists = undefined));
    return lists;
  };

  return [
    { api: 'smartlist', match: (s) => matchPattern('v2/market/smartlist/:list', s), handle: async (r, p) => smartlist(r, p.list ?? '', await keyLists()) },
    { api: 'market-analytics', match: (s) => matchKind(matchPattern('v2/market/:kind', s), ['pcr', 'oi', 'change-oi', 'max-pain']), handle: async (r, p) => optionAnalytics(r, p.kind as OptionAnalyticsQuery['kind'], await keyLists()) },
    { api: 'market-analytics', match: (s) => matchKind(matchPattern('v2/market/:kind', s), ['fii', 'dii']), handle: (r, p) => activity(r, p.kind as 'fii' | 'dii') },
    { api: 'fundamentals', match: (s) => matchPattern('v2/fundamentals/:key/competitors', s), handle: async (_r, p) => competitorList(p.key ?? '', await keyLists()) },
    { api: 'corporate-actions', match: (s) => matchPattern('v2/fundamentals/:isin/corporate-actions', s), handle: async (_r, p) => withIsin(p.isin ?? '', await keyLists(), (isin) => successResponse(corporateActions(isin))) },
    { api: 'fundamentals', match: (s) => matchPattern('v2/fundamentals/:isin/:kind', s), handle: async (r, p) => fundamentals(r, p.isin ?? '', p.kind ?? '', await keyLists()) },
    { api: 'news', match: (s) => matchPattern('v2/news', s), handle: (r) => news(r) },
  ];
}

function matchKind(params: Record<string, string> | undefined, kinds: readonly string[]): Record<string, string> | undefined {
  return params && kinds.includes(params.kind ?? '') ? params : undefined;
}

function groupKeys(all: ReadonlyMap<string, InstrumentInfo>): KeyLists {
  const futures: string[] = [];
  const options: string[] = [];
  const equities: string[] = [];
  for (const [key, info] of all) {
    if (info.segment === 'NSE_FO' && info.instrumentType === 'FUT') futures.push(key);
    else if (info.segment === 'NSE_FO' && (info.instrumentType === 'CE' || info.instrumentType === 'PE')) options.push(key);
    else if (info.segment === 'NSE_EQ' && info.instrumentType === 'EQ') equities.push(key);
  }
  return { all, futures: futures.sort(), options: options.sort(), equities: equities.sort() };
}

function optionAnalytics(request: SimRequest, kind: OptionAnalyticsQuery['kind'], lists: KeyLists): SimulatorResponse {
  const key = request.query.get('instrument_key') ?? '';
  if (!isKnownKey(key, lists) || !(key.startsWith('NSE_INDEX|') || key.startsWith('NSE_EQ|'))) return invalid('UDAPI100011', 'Invalid instrument_key.', 'instrument_key', key);
  const expiry = request.query.get('expiry') ?? '';
  if (!isIsoDate(expiry)) return invalid('UDAPI1202', 'Invalid expiry format.', 'expiry', expiry);
  const date = request.query.get('date') ?? '';
  if (!isIsoDate(date)) return invalid('UDAPI1203', 'Invalid date format.', 'date', date);
  const query: { -readonly [K in keyof OptionAnalyticsQuery]: OptionAnalyticsQuery[K] } = { kind, instrumentKey: key, expiry, date };
  if (kind === 'pcr' || kind === 'max-pain') {
    const text = request.query.get('bucket_interval') ?? '';
    const minutes = positiveInt(text, 375);
    if (minutes === undefined) return invalid('UDAPI1205', 'Invalid bucket_interval.', 'bucket_interval', text);
    query.bucketInterval = minutes;
  }
  if (kind === 'change-oi') {
    const text = request.query.get('interval') ?? '';
    const days = positiveInt(text, 30);
    if (days === undefined) return invalid('UDAPI1204', 'Invalid interval.', 'interval', text);
    query.interval = days;
  }
  return successResponse(optionAnalyticsData(query));
}

function activity(request: SimRequest, kind: 'fii' | 'dii'): SimulatorResponse {
  const dataType = request.query.get('data_type') ?? '';
  if (kind === 'fii' ? !FII_TYPES.has(dataType) : dataType !== 'NSE_EQ|CASH') {
    return invalid('UDAPI1198', kind === 'fii' ? 'Invalid data_type.' : 'Invalid data_type. Allowed value: NSE_EQ|CASH.', 'data_type', dataType);
  }
  const interval = request.query.get('interval') ?? '';
  if (interval !== '1D' && interval !== '1M') return invalid('UDAPI1199', 'Invalid interval.', 'interval', interval);
  const from = request.query.get('from');
  if (from !== undefined && !isIsoDate(from)) return invalid('UDAPI1200', 'Invalid from date format.', 'from', from);
  return successResponse(activityData(kind, dataType, interval, from, request.now));
}

function smartlist(request: SimRequest, list: string, lists: KeyLists): SimulatorResponse {
  if (list !== 'futures' && list !== 'options' && list !== 'mtf') return errorResponse('notFound');
  let assetType = 'STOCK';
  let category = 'MTF';
  if (list !== 'mtf') {
    assetType = request.query.get('asset_type') ?? 'INDEX';
    if (!['INDEX', 'STOCK', 'COMMODITY'].includes(assetType)) return invalid('UDAPI1212', 'Invalid asset_type.', 'asset_type', assetType);
    category = request.query.get('category') ?? 'TOP_TRADED';
    const allowed = SMARTLIST_CATEGORIES[list]!.includes(category) && (assetType !== 'COMMODITY' || COMMODITY_CATEGORIES.has(category));
    if (!allowed) return invalid('UDAPI1213', 'Invalid category for the given asset_type.', 'category', category);
  }
  const pageNumberText = request.query.get('page_number') ?? '1';
  const pageNumber = positiveInt(pageNumberText, 10_000);
  if (pageNumber === undefined) return errorResponse('invalidInput', 'page_number', pageNumberText);
  const pageSizeText = request.query.get('page_size') ?? String(SMARTLIST_DEFAULT_PAGE_SIZE);
  const pageSize = positiveInt(pageSizeText, 50);
  if (pageSize === undefined) return invalid('UDAPI1214', 'Invalid page_size. Maximum allowed value is 50.', 'page_size', pageSizeText);
  const keys = { futures: lists.futures, options: lists.options, mtf: lists.equities }[list];
  return successResponse(smartlistData(list, assetType, category, keys, pageNumber, pageSize));
}

function fundamentals(request: SimRequest, rawIsin: string, kind: string, lists: KeyLists): SimulatorResponse {
  if (!['profile', 'key-ratios', 'share-holdings', ...STATEMENTS].includes(kind)) return errorResponse('notFound');
  return withIsin(rawIsin, lists, (isin) => {
    if (kind === 'profile') return successResponse(companyProfile(isin));
    if (kind === 'key-ratios') return successResponse(keyRatios(isin));
    if (kind === 'share-holdings') return successResponse(shareHoldings(isin));
    const type = request.query.get('type') ?? 'consolidated';
    if (type !== 'consolidated' && type !== 'standalone') return invalid('UDAPI1207', 'Invalid type. Allowed values: consolidated, standalone.', 'type', type);
    let timePeriod = 'yearly';
    if (kind === 'income-statement') {
      timePeriod = request.query.get('time_period') ?? 'yearly';
      if (timePeriod !== 'yearly' && timePeriod !== 'quarterly') return invalid('UDAPI1208', 'Invalid time period. Allowed values: yearly, quarterly.', 'time_period', timePeriod);
    }
    const fs = request.query.get('fs') ?? 'false';
    if (fs !== 'true' && fs !== 'false') return errorResponse('invalidInput', 'fs', fs);
    return successResponse(statement(kind as 'balance-sheet' | 'income-statement' | 'cash-flow', isin, type, timePeriod, fs === 'true'));
  });
}

// An ISIN of the right form that no NSE equity carries is rejected as well, since the
// simulator has nothing to compose for it.
function withIsin(rawIsin: string, lists: KeyLists, respond: (isin: string) => SimulatorResponse): SimulatorResponse {
  const isin = decodeOnce(rawIsin) ?? rawIsin;
  if (!ISIN.test(isin) || !lists.all.has(`NSE_EQ|${isin}`)) return invalid('UDAPI1206', 'Invalid ISIN.', 'isin', isin);
  return respond(isin);
}

function competitorList(rawKey: string, lists: KeyLists): SimulatorResponse {
  const key = decodeOnce(rawKey) ?? '';
  if (!isKnownKey(key, lists) || !key.startsWith('NSE_EQ|')) return invalid('UDAPI100011', 'Invalid Instrument key.', 'instrument_key', key);
  return successResponse(competitors(key, lists.equities));
}

function news(request: SimRequest): SimulatorResponse {
  const category = request.query.get('category') ?? '';
  if (!NEWS_CATEGORIES.has(category)) return invalid('UDAPI1189', 'Invalid category. Allowed values: instrument_keys, positions, holdings.', 'category', category);
  let keys = ACCOUNT_KEYS;
  if (category === 'instrument_keys') {
    const text = request.query.get('instrument_keys') ?? '';
    if (text === '') return invalid('UDAPI1190', 'instrument_keys is required when category is instrument_keys.', 'instrument_keys', null);
    keys = [...new Set(text.split(','))];
    if (keys.length > 30) return invalid('UDAPI1193', 'News can be fetched for a maximum of 30 instrument keys per request.', 'instrument_keys', text);
    const bad = keys.find((k) => !isInstrumentKey(k));
    if (bad !== undefined) return errorResponse('unknownKey', 'instrument_keys', bad);
  }
  const pageNumberText = request.query.get('page_number') ?? '1';
  const pageNumber = positiveInt(pageNumberText, 100);
  if (pageNumber === undefined) return errorResponse('invalidInput', 'page_number', pageNumberText);
  const pageSizeText = request.query.get('page_size') ?? '100';
  const pageSize = positiveInt(pageSizeText, 100);
  if (pageSize === undefined) return errorResponse('invalidInput', 'page_size', pageSizeText);
  const { data, metadata } = newsPage(keys, pageNumber, pageSize, request.now);
  return successResponse(data, { metadata });
}

function isKnownKey(key: string, lists: KeyLists): boolean {
  if (!isInstrumentKey(key)) return false;
  return lists.all.has(key) || !MASTER_SEGMENTS.has(key.slice(0, key.indexOf('|')));
}

function positiveInt(text: string, max: number): number | undefined {
  if (!/^\d{1,6}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= max ? value : undefined;
}

function invalid(code: string, message: string, property: string, value: unknown): SimulatorResponse {
  return customErrorResponse(400, code, message, property, value);
}
