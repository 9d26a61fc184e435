import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { corporateActionRows, FUNDAMENTALS_KINDS, fundamentalsRow, type FundamentalsKind, type FundamentalsSource } from '../src/normalise/fundamentals.js';
import { storeCorporateActions, storeFundamentals } from '../src/stores/postgres/analytics.js';
import type { AnalyticsApi } from '../src/upstox/analytics.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import type { EndpointResponse } from '../src/upstox/endpoint.js';
import { booleanField, enumListField, isinListField, listPart, normaliseResponse, settingsPart } from './analytics-common.js';
import type { JobSummary } from './job-summary.js';
import type { SnapshotDeps, SnapshotJobDefinition } from './snapshot-job.js';

const fundamentalsPayloadSchema = z.object({
  isins: isinListField(50),
  kinds: enumListField(FUNDAMENTALS_KINDS as unknown as readonly [FundamentalsKind, ...FundamentalsKind[]]),
  reportType: z.enum(['consolidated', 'standalone']).default('consolidated'),
  /** The income statement's period; the balance sheet and cash flow take none. */
  timePeriod: z.enum(['yearly', 'quarterly']).default('yearly'),
  /** Asks for every line item of the statements (`fs=true`). */
  fullStatement: booleanField.default(true),
  /** The segment of the instrument key that competitors are looked up by. */
  competitorSegment: z.enum(['NSE_EQ', 'BSE_EQ']).default('NSE_EQ'),
});

export type FundamentalsPayload = z.infer<typeof fundamentalsPayloadSchema>;

function fetchFundamentals(api: AnalyticsApi, source: FundamentalsSource): Promise<EndpointResponse<unknown>> {
  switch (source.kind) {
    case 'profile':
      return api.companyProfile(source.isin);
    case 'key-ratios':
      return api.keyRatios(source.isin);
    case 'share-holdings':
      return api.shareHoldings(source.isin);
    case 'competitors':
      return api.competitors(source.subject);
    default:
      return api.financialStatement({ kind: source.kind, isin: source.isin, reportType: source.reportType!, timePeriod: source.timePeriod, fullStatement: source.fullStatement! });
  }
}

/** Lists one request per ISIN and kind, in payload order. */
export function planFundamentals(payload: FundamentalsPayload): FundamentalsSource[] {
  const sources: FundamentalsSource[] = [];
  for (const isin of payload.isins) {
    for (const kind of payload.kinds) {
      if (kind === 'competitors') sources.push({ kind, isin, subject: `${payload.competitorSegment}|${isin}` });
      else if (kind === 'balance-sheet' || kind === 'cash-flow') sources.push({ kind, isin, subject: isin, reportType: payload.reportType, fullStatement: payload.fullStatement });
      else if (kind === 'income-statement') sources.push({ kind, isin, subject: isin, reportType: payload.reportType, timePeriod: payload.timePeriod, fullStatement: payload.fullStatement });
      else sources.push({ kind, isin, subject: isin });
    }
  }
  return sources;
}

async function runFundamentals(payload: FundamentalsPayload, deps: SnapshotDeps): Promise<JobSummary> {
  const fetchedAt = deps.now();
  const sources = planFundamentals(payload);
  let rowsWritten = 0;
  for (const source of sources) {
    const response = await fetchFundamentals(deps.api, source);
    const row = normaliseResponse(response, UPSTOX_APIS.fundamentals, () => fundamentalsRow(source, response.data, fetchedAt));
    rowsWritten += await storeFundamentals(deps.postgres, [row]);
  }
  return { requestsMade: sources.length, rowsWritten, state: 'done' };
}

/** Fetches company profiles, key ratios, statements, shareholdings and competitors into `fundamentals`. */
export const fundamentalsJob: SnapshotJobDefinition<FundamentalsPayload> = {
  name: 'fundamentals',
  description: 'company profile, key ratios, statements, shareholding and competitors per ISIN into fundamentals',
  payloadSchema: fundamentalsPayloadSchema,
  accountData: false,
  jobId: (payload, account) => {
    const { isins, kinds, ...settings } = payload;
    return buildJobId('fundamentals', account, listPart(isins), listPart(kinds), settingsPart(settings));
  },
  run: runFundamentals,
};

const corporateActionsPayloadSchema = z.object({ isins: isinListField(200) });

export type CorporateActionsPayload = z.infer<typeof corporateActionsPayloadSchema>;

async function runCorporateActions(payload: CorporateActionsPayload, deps: SnapshotDeps): Promise<JobSummary> {
  const fetchedAt = deps.now();
  let rowsWritten = 0;
  let skipped = 0;
  for (const isin of payload.isins) {
    const response = await deps.api.corporateActions(isin);
    const { rows, duplicates } = normaliseResponse(response, UPSTOX_APIS.corporateActions, () => corporateActionRows(isin, response.data, fetchedAt));
    if (duplicates.length > 0) {
      deps.log.warn({ isin, duplicates, path: response.path }, 'corporate actions repeat a key (type, ex-date, purpose); the first of each is stored');
      skipped += duplicates.length;
    }
    rowsWritten += await storeCorporateActions(deps.postgres, rows);
  }
  const detail = skipped > 0 ? `${skipped} repeated actions left out` : undefined;
  return { requestsMade: payload.isins.length, rowsWritten, state: 'done', ...(detail ? { detail } : {}) };
}

/** Fetches each ISIN's corporate actions (dividends, bonuses, splits) into `corporate_actions`. */
export const corporateActionsJob: SnapshotJobDefinition<CorporateActionsPayload> = {
  name: 'corporate-actions',
  description: 'dividends, bonuses, splits and other corporate actions per ISIN into corporate_actions',
  payloadSchema: corporateActionsPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('corporate-actions', account, listPart(payload.isins)),
  run: runCorporateActions,
};
