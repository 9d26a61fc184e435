import { z } from 'zod';
import { UPSTOX_APIS } from './apis.js';
import { getEndpoint, type EndpointResponse } from './endpoint.js';
import { AUTH_ERROR_CODES, UpstoxAuthError, UpstoxInvalidRequestError, type UpstoxError } from './errors.js';
import type { RequestGate, UpstoxHttp } from './http.js';
import { encodeInstrumentKey } from './instrument-key.js';

// Market analytics, fundamentals, corporate actions and news (`/v2/market/…`,
// `/v2/fundamentals/…`, `/v2/news`). Upstox's OpenAPI document types the fundamentals and
// news bodies but leaves the `data` of every market-analytics path untyped (`{}`), so those
// are validated only as JSON and stored whole. Upstox does not confirm that the Analytics
// Token may read these APIs; see `permanentWhenNotAllowed`.

/** The option analytics of one underlying and expiry, as of one date. */
export type OptionAnalyticsKind = 'pcr' | 'oi' | 'change-oi' | 'max-pain';
/** Institutional flows: FII by data type, DII for the cash market. */
export type ActivityKind = 'fii' | 'dii';
export type SmartlistName = 'futures' | 'options' | 'mtf';

export const FII_DATA_TYPES = ['NSE_FO|INDEX_FUTURES', 'NSE_FO|STOCK_FUTURES', 'NSE_FO|INDEX_OPTIONS', 'NSE_FO|STOCK_OPTIONS', 'NSE_EQ|CASH'] as const;
export const DII_DATA_TYPES = ['NSE_EQ|CASH'] as const;
export const ACTIVITY_INTERVALS = ['1D', '1M'] as const;
export const SMARTLIST_ASSET_TYPES = ['INDEX', 'STOCK', 'COMMODITY'] as const;

export interface OptionAnalyticsRequest {
  readonly kind: OptionAnalyticsKind;
  /** The underlying, such as `NSE_INDEX|Nifty 50`. */
  readonly instrumentKey: string;
  readonly expiry: string;
  /** The IST trading date the figures are for. */
  readonly date: string;
  /** Minutes per bucket of the insights list; only `pcr` and `max-pain` take it. */
  readonly bucketInterval?: number;
  /** Days over which `change-oi` measures the change; only `change-oi` takes it. */
  readonly changeInterval?: number;
}

export interface ActivityRequest {
  readonly kind: ActivityKind;
  readonly dataType: string;
  readonly interval: (typeof ACTIVITY_INTERVALS)[number];
  /** First date, `YYYY-MM-DD`; Upstox picks a default range when it is left out. */
  readonly from?: string;
}

export interface SmartlistRequest {
  readonly list: SmartlistName;
  /** Futures and options lists only. */
  readonly assetType?: string;
  /** Futures and options lists only. */
  readonly category?: string;
  readonly pageNumber?: number;
  /** At most 50. */
  readonly pageSize?: number;
}

export type StatementKind = 'balance-sheet' | 'income-statement' | 'cash-flow';
export type ReportType = 'consolidated' | 'standalone';
export type TimePeriod = 'yearly' | 'quarterly';

export interface StatementRequest {
  readonly kind: StatementKind;
  readonly isin: string;
  readonly reportType: ReportType;
  /** Only the income statement takes it. */
  readonly timePeriod?: TimePeriod;
  /** Adds `full_statement`, every line item of the statement. */
  readonly fullStatement: boolean;
}

export type NewsCategory = 'instrument_keys' | 'positions' | 'holdings';

export interface NewsRequest {
  readonly category: NewsCategory;
  /** Required for `instrument_keys`, at most 30. */
  readonly instrumentKeys?: readonly string[];
  /** 1 to 100. */
  readonly pageNumber: number;
  /** 1 to 100. */
  readonly pageSize: number;
}

export interface NewsResponse extends EndpointResponse<NewsData> {
  /** `metadata.page`, when the body has one. */
  readonly metadata: NewsMetadata | undefined;
}

// Schemas of the typed bodies, from the OpenAPI document's components. The document marks no
// field as required, so every field is optional except the few the tables are keyed by.
// Numbers stay numbers: the stores write them to numeric columns without rounding.

const marketCapSchema = z.looseObject({ value: z.number().nullish(), unit: z.string().nullish(), formatted: z.string().nullish() });

/** `CompanyProfileData`. */
export const companyProfileSchema = z.looseObject({
  company_profile: z.string().nullish(),
  sector: z.string().nullish(),
  sector_market_cap_inr: marketCapSchema.nullish(),
  sector_market_cap_usd: marketCapSchema.nullish(),
});

// The document types `company_value` and `sector_value` as strings but its examples are
// numbers (20.15), so both are accepted.
const ratioValueSchema = z.union([z.string(), z.number()]).nullish();

/** `KeyRatioData[]`. */
export const keyRatioListSchema = z.array(z.looseObject({ name: z.string().nullish(), company_value: ratioValueSchema, sector_value: ratioValueSchema }));

const historyItemSchema = z.looseObject({ value: z.number().nullish(), period: z.string().nullish(), change: z.string().nullish() });
const historySchema = z.array(historyItemSchema).nullish();
const groupSchema = z.looseObject({ category: z.string().nullish(), history: historySchema });

/** `BalanceSheetData`, `IncomeStatementData` and `CashFlowData`, which share their header fields. */
export const statementSchema = z.looseObject({
  type: z.string().nullish(),
  time_period: z.string().nullish(),
  units_in: z.string().nullish(),
  history: z.array(z.looseObject({ total_asset: z.number().nullish(), total_liability: z.number().nullish(), period: z.string().nullish() })).nullish(),
  income_statement: z.array(groupSchema).nullish(),
  cash_flow: z.array(groupSchema).nullish(),
  full_statement: z.array(z.looseObject({ particular: z.string().nullish(), history: historySchema })).nullish(),
});

/** `ShareHoldingData[]`. */
export const shareHoldingListSchema = z.array(groupSchema);

/** `CompetitorData[]`. */
export const competitorListSchema = z.array(companyProfileSchema.extend({ instrument_key: z.string().nullish() }));

// The document's examples for `expiry_date` (14) and an event detail's `value` (25) are
// numbers although both are typed as strings, so numbers are accepted and read as text.
const textOrNumber = z.union([z.string(), z.number()]);

/** `CorporateActionData[]`. `name` and `expiry_date` key the stored row, so both are required. */
export const corporateActionListSchema = z.array(
  z.looseObject({
    name: z.string().min(1),
    expiry_date: textOrNumber,
    amount: z.number().nullish(),
    ratio: z.string().nullish(),
    event_details: z.array(z.looseObject({ name: z.string().nullish(), value: textOrNumber.nullish() })).nullish(),
  }),
);

/** `NewsItemData`. `published_time` is part of the stored row's id, so it is required. */
export const newsItemSchema = z.looseObject({
  heading: z.string().nullish(),
  summary: z.string().nullish(),
  thumbnail: z.string().nullish(),
  article_link: z.string().nullish(),
  published_time: z.number().int().nonnegative(),
});

/** `GetNewsResponse.data`: article lists by instrument key. */
export const newsDataSchema = z.record(z.string(), z.array(newsItemSchema));

/** `NewsResponseMetaData`, a sibling of `data`. */
export const newsMetadataSchema = z.looseObject({
  page: z
    .looseObject({
      page_number: z.number().int().nullish(),
      page_size: z.number().int().nullish(),
      total_records: z.number().int().nullish(),
      total_pages: z.number().int().nullish(),
    })
    .nullish(),
});

export type CompanyProfile = z.infer<typeof companyProfileSchema>;
export type KeyRatio = z.infer<typeof keyRatioListSchema>[number];
export type Statement = z.infer<typeof statementSchema>;
export type ShareHolding = z.infer<typeof shareHoldingListSchema>[number];
export type Competitor = z.infer<typeof competitorListSchema>[number];
export type CorporateAction = z.infer<typeof corporateActionListSchema>[number];
export type NewsItem = z.infer<typeof newsItemSchema>;
export type NewsData = z.infer<typeof newsDataSchema>;
export type NewsMetadata = z.infer<typeof newsMetadataSchema>;

const ISIN = /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/;

/** Throws a RangeError unless `isin` has the ISIN form Upstox's path pattern requires. */
export function assertIsin(isin: string): string {
  if (!ISIN.test(isin)) throw new RangeError(`invalid ISIN ${JSON.stringify(isin)}: expected 2 letters, 9 letters or digits and a check digit, such as INE002A01018`);
  return isin;
}

/** The calls for market analytics, fundamentals, corporate actions and news. */
export interface AnalyticsApi {
  optionAnalytics(request: OptionAnalyticsRequest): Promise<EndpointResponse<unknown>>;
  institutionalActivity(request: ActivityRequest): Promise<EndpointResponse<unknown>>;
  smartlist(request: SmartlistRequest): Promise<EndpointResponse<unknown>>;
  companyProfile(isin: string): Promise<EndpointResponse<z.infer<typeof companyProfileSchema>>>;
  keyRatios(isin: string): Promise<EndpointResponse<z.infer<typeof keyRatioListSchema>>>;
  financialStatement(request: StatementRequest): Promise<EndpointResponse<z.infer<typeof statementSchema>>>;
  shareHoldings(isin: string): Promise<EndpointResponse<z.infer<typeof shareHoldingListSchema>>>;
  corporateActions(isin: string): Promise<EndpointResponse<z.infer<typeof corporateActionListSchema>>>;
  competitors(instrumentKey: string): Promise<EndpointResponse<z.infer<typeof competitorListSchema>>>;
  news(request: NewsRequest): Promise<NewsResponse>;
}

// The analytics endpoints return any JSON under `data`; an absent member is read as null.
const anyData = z.unknown();

/** Binds market analytics, fundamentals, corporate actions and news to a transport and an optional gate. */
export function analyticsApi(http: UpstoxHttp, gate?: RequestGate): AnalyticsApi {
  const get = <S extends z.ZodType>(api: string, path: string, schema: S, query?: Record<string, string>) =>
    permanentWhenNotAllowed(getEndpoint(http, { api, path, query, gate }, schema));
  const fundamentalsPath = (isin: string, kind: string) => `/v2/fundamentals/${assertIsin(isin)}/${kind}`;

  return {
    optionAnalytics: (request) => get(UPSTOX_APIS.marketAnalytics, `/v2/market/${request.kind}`, anyData, optionAnalyticsQuery(request)),
    institutionalActivity: (request) => get(UPSTOX_APIS.marketAnalytics, `/v2/market/${request.kind}`, anyData, activityQuery(request)),
    smartlist: (request) => get(UPSTOX_APIS.smartlist, `/v2/market/smartlist/${request.list}`, anyData, smartlistQuery(request)),
    companyProfile: (isin) => get(UPSTOX_APIS.fundamentals, fundamentalsPath(isin, 'profile'), companyProfileSchema),
    keyRatios: (isin) => get(UPSTOX_APIS.fundamentals, fundamentalsPath(isin, 'key-ratios'), keyRatioListSchema),
    financialStatement: (request) => get(UPSTOX_APIS.fundamentals, fundamentalsPath(request.isin, request.kind), statementSchema, statementQuery(request)),
    shareHoldings: (isin) => get(UPSTOX_APIS.fundamentals, fundamentalsPath(isin, 'share-holdings'), shareHoldingListSchema),
    corporateActions: (isin) => get(UPSTOX_APIS.corporateActions, fundamentalsPath(isin, 'corporate-actions'), corporateActionListSchema),
    competitors: (instrumentKey) => get(UPSTOX_APIS.fundamentals, `/v2/fundamentals/${encodeInstrumentKey(instrumentKey)}/competitors`, competitorListSchema),
    news: async (request) => {
      const response = await get(UPSTOX_APIS.news, '/v2/news', newsDataSchema, newsQuery(request));
      const metadata = newsMetadataSchema.safeParse(response.body.metadata);
      return { ...response, metadata: metadata.success ? metadata.data : undefined };
    },
  };
}

/** Builds the query of an option-analytics request, in the order the OpenAPI document lists the parameters. */
export function optionAnalyticsQuery(request: OptionAnalyticsRequest): Record<string, string> {
  const query: Record<string, string> = {
    instrument_key: encodeInstrumentKey(request.instrumentKey),
    expiry: request.expiry,
    date: request.date,
  };
  if (request.kind === 'pcr' || request.kind === 'max-pain') query.bucket_interval = String(request.bucketInterval ?? 15);
  if (request.kind === 'change-oi') query.interval = String(request.changeInterval ?? 1);
  return query;
}

/** Builds the query of an FII or DII request; the `|` of the data type is encoded once. */
export function activityQuery(request: ActivityRequest): Record<string, string> {
  const query: Record<string, string> = { data_type: encodeURIComponent(request.dataType), interval: request.interval };
  if (request.from !== undefined) query.from = request.from;
  return query;
}

/** Builds the query of a smartlist request, leaving out what the caller left out. */
export function smartlistQuery(request: SmartlistRequest): Record<string, string> {
  const query: Record<string, string> = {};
  if (request.list !== 'mtf' && request.assetType !== undefined) query.asset_type = request.assetType;
  if (request.list !== 'mtf' && request.category !== undefined) query.category = request.category;
  if (request.pageNumber !== undefined) query.page_number = String(request.pageNumber);
  if (request.pageSize !== undefined) query.page_size = String(request.pageSize);
  return query;
}

/** Builds the query of a balance sheet, income statement or cash flow request. */
export function statementQuery(request: StatementRequest): Record<string, string> {
  const query: Record<string, string> = { type: request.reportType };
  if (request.kind === 'income-statement') query.time_period = request.timePeriod ?? 'yearly';
  query.fs = String(request.fullStatement);
  return query;
}

/** Builds the query of a news request; keys are encoded once and joined with literal commas. */
export function newsQuery(request: NewsRequest): Record<string, string> {
  const query: Record<string, string> = { category: request.category };
  if (request.category === 'instrument_keys') {
    const keys = request.instrumentKeys ?? [];
    if (keys.length === 0 || keys.length > 30) {
      throw new RangeError(`invalid news request: category instrument_keys needs 1 to 30 instrument keys, got ${keys.length}; split the list into several jobs`);
    }
    query.instrument_keys = keys.map(encodeInstrumentKey).join(',');
  }
  query.page_number = String(request.pageNumber);
  query.page_size = String(request.pageSize);
  return query;
}

/**
 * Turns a rejection of the API itself into a permanent failure. Upstox lists fundamentals,
 * news and market information as Analytics Token categories, but no live call has confirmed
 * it, and the shape of a rejection is not documented. A 401 whose JSON error codes are present
 * but none of them is a token error (such as UDAPI100067, an API not allowed with this kind
 * of token) would otherwise pause the whole account as an invalid token. A 403 with JSON that
 * is not a static-IP rejection is already permanent; it gets the same explanation.
 */
export async function permanentWhenNotAllowed<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof UpstoxAuthError && error.status === 401 && isNotAllowed(error)) throw notAllowed(error);
    if (error instanceof UpstoxInvalidRequestError && error.status === 403) throw notAllowed(error);
    throw error;
  }
}

function isNotAllowed(error: UpstoxAuthError): boolean {
  const codes = error.upstoxErrors.map((e) => e.errorCode).filter((c): c is string => c !== undefined);
  return codes.length > 0 && !codes.some((c) => AUTH_ERROR_CODES.has(c));
}

function notAllowed(error: UpstoxError): UpstoxInvalidRequestError {
  const detail = error.upstoxErrors.map((e) => `${e.errorCode ?? 'no code'} ${e.message ?? 'no message'}`).join('; ') || (error.bodySnippet ?? 'no body');
  return new UpstoxInvalidRequestError(
    `GET ${error.path} was rejected with HTTP ${error.status ?? 'unknown'} (${detail}), so this token may not read the ${error.api} API; ` +
      `the job fails without retries and the account's other jobs go on. Upstox does not confirm that the Analytics Token covers this API: ` +
      `remove the job from the schedule, or check the token's permissions on the Upstox developer apps page`,
    { api: error.api, path: error.path, status: error.status, upstoxErrors: error.upstoxErrors, bodySnippet: error.bodySnippet, cause: error },
  );
}
