import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { MARKET_ANALYTICS_KINDS, marketAnalyticsRow, type MarketAnalyticsKind, type MarketAnalyticsSource } from '../src/normalise/analytics.js';
import { storeMarketAnalytics } from '../src/stores/postgres/analytics.js';
import { istToday } from '../src/time/ist.js';
import { ACTIVITY_INTERVALS, FII_DATA_TYPES, SMARTLIST_ASSET_TYPES, type AnalyticsApi, type SmartlistName } from '../src/upstox/analytics.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import type { EndpointResponse } from '../src/upstox/endpoint.js';
import { enumListField, listPart, normaliseResponse, settingsPart } from './analytics-common.js';
import type { JobSummary } from './job-summary.js';
import { instrumentKeyField, isoDateField } from './payload-fields.js';
import type { SnapshotDeps, SnapshotJobDefinition } from './snapshot-job.js';

const OPTION_KINDS: ReadonlySet<MarketAnalyticsKind> = new Set(['pcr', 'oi', 'change-oi', 'max-pain']);

const payloadSchema = z
  .object({
    kinds: enumListField(MARKET_ANALYTICS_KINDS as unknown as readonly [MarketAnalyticsKind, ...MarketAnalyticsKind[]]),
    /** The underlying of the option analytics, such as `NSE_INDEX|Nifty 50`. */
    instrumentKey: instrumentKeyField.optional(),
    expiry: isoDateField.optional(),
    /** The IST trading date of the option analytics; the IST date of the run when left out. */
    date: isoDateField.optional(),
    bucketInterval: z.coerce.number().int().min(1).max(375).default(15),
    /** Days over which change-oi measures the change. */
    changeInterval: z.coerce.number().int().min(1).max(30).default(1),
    fiiDataTypes: enumListField(FII_DATA_TYPES),
    activityInterval: z.enum(ACTIVITY_INTERVALS).default('1D'),
    /** First date of the FII and DII figures; Upstox's default range when left out. */
    from: isoDateField.optional(),
    assetType: z.enum(SMARTLIST_ASSET_TYPES).optional(),
    category: z.string().regex(/^[A-Z0-9_]+$/, 'expected a category such as TOP_TRADED').optional(),
    pageSize: z.coerce.number().int().min(1).max(50).default(50),
  })
  .superRefine((payload, context) => {
    const optionKinds = payload.kinds.filter((k) => OPTION_KINDS.has(k));
    if (optionKinds.length === 0) return;
    for (const field of ['instrumentKey', 'expiry'] as const) {
      if (payload[field] === undefined) {
        context.addIssue({ code: 'custom', path: [field], message: `${field} is required for ${optionKinds.join(', ')}, such as instrumentKey "NSE_INDEX|Nifty 50" and expiry 2026-05-19` });
      }
    }
  });

export type MarketAnalyticsPayload = z.infer<typeof payloadSchema>;

/** One request of the job, and the function that sends it. */
interface PlannedRequest {
  readonly source: MarketAnalyticsSource;
  readonly api: string;
  send(api: AnalyticsApi): Promise<EndpointResponse<unknown>>;
}

/** Lists the requests a payload makes, in order: one per kind, and one per data type for FII. */
export function planMarketAnalytics(payload: MarketAnalyticsPayload, date: string): PlannedRequest[] {
  const planned: PlannedRequest[] = [];
  for (const kind of payload.kinds) {
    if (kind === 'pcr' || kind === 'oi' || kind === 'change-oi' || kind === 'max-pain') {
      const request = { kind, instrumentKey: payload.instrumentKey!, expiry: payload.expiry!, date, bucketInterval: payload.bucketInterval, changeInterval: payload.changeInterval };
      const params: Record<string, string | number> = { instrument_key: request.instrumentKey, expiry: request.expiry, date };
      if (kind === 'pcr' || kind === 'max-pain') params.bucket_interval = payload.bucketInterval;
      if (kind === 'change-oi') params.interval = payload.changeInterval;
      planned.push({ source: { kind, params }, api: UPSTOX_APIS.marketAnalytics, send: (api) => api.optionAnalytics(request) });
    } else if (kind === 'fii' || kind === 'dii') {
      const dataTypes = kind === 'fii' ? payload.fiiDataTypes : ['NSE_EQ|CASH'];
      for (const dataType of dataTypes) {
        const request = { kind, dataType, interval: payload.activityInterval, from: payload.from };
        const params: Record<string, string | number> = { data_type: dataType, interval: payload.activityInterval };
        if (payload.from !== undefined) params.from = payload.from;
        planned.push({ source: { kind, params }, api: UPSTOX_APIS.marketAnalytics, send: (api) => api.institutionalActivity(request) });
      }
    } else {
      const list = kind.slice('smartlist-'.length) as SmartlistName;
      const request = { list, assetType: list === 'mtf' ? undefined : payload.assetType, category: list === 'mtf' ? undefined : payload.category, pageNumber: 1, pageSize: payload.pageSize };
      const params: Record<string, string | number> = { page_number: 1, page_size: payload.pageSize };
      if (request.assetType !== undefined) params.asset_type = request.assetType;
      if (request.category !== undefined) params.category = request.category;
      planned.push({ source: { kind, params }, api: UPSTOX_APIS.smartlist, send: (api) => api.smartlist(request) });
    }
  }
  return planned;
}

/** Fetches each planned request and stores its body as it arrives, so a later failure keeps the earlier rows. */
async function runMarketAnalytics(payload: MarketAnalyticsPayload, deps: SnapshotDeps): Promise<JobSummary> {
  const fetchedAt = deps.now();
  const planned = planMarketAnalytics(payload, payload.date ?? istToday(fetchedAt));
  let rowsWritten = 0;
  for (const request of planned) {
    const response = await request.send(deps.api);
    const row = normaliseResponse(response, request.api, () => marketAnalyticsRow(request.source, response.data, fetchedAt));
    rowsWritten += await storeMarketAnalytics(deps.postgres, [row]);
  }
  return { requestsMade: planned.length, rowsWritten, state: 'done' };
}

/**
 * Fetches PCR, OI, change in OI and max pain for one underlying and expiry, FII and DII
 * flows, and the smartlists, into `market_analytics`.
 */
export const marketAnalyticsJob: SnapshotJobDefinition<MarketAnalyticsPayload> = {
  name: 'market-analytics',
  description: 'PCR, OI, change in OI, max pain, FII/DII flows and smartlists into market_analytics',
  payloadSchema,
  accountData: false,
  jobId: (payload, account) => {
    const { kinds, instrumentKey, expiry, date, ...settings } = payload;
    return buildJobId('market-analytics', account, listPart(kinds), instrumentKey ?? 'none', expiry ?? 'none', date ?? 'today', settingsPart(settings));
  },
  run: runMarketAnalytics,
};
