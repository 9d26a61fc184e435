import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { normalisePnlSummary, normalisePnlTrades, type PnlScope, type PnlTradeRow } from '../src/normalise/account-pnl.js';
import { financialYearOf, isFinancialYear } from '../src/normalise/account-values.js';
import { storePnlReport } from '../src/stores/postgres/account.js';
import { istDateOf } from '../src/time/ist.js';
import { MAX_TRADE_PAGE_SIZE, PNL_SEGMENTS, type PnlSegment } from '../src/upstox/account.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { fetchContext, normaliseResponse } from './account-common.js';
import type { SnapshotDeps, SnapshotJobDefinition } from './snapshot-job.js';

// The trade P&L report, its metadata and its charges, per segment of one financial year. The
// report's pages carry no totals, so the job reads pages until it has the metadata's
// trades_count rows or a page comes back short. Report rows have no id, so each run replaces
// the report of its segment and year.

const pnlPayload = z.object({
  /** Such as 2324 for April 2023 to March 2024; default the current financial year (IST). */
  financialYear: z
    .preprocess((value) => (typeof value === 'number' ? String(value).padStart(4, '0') : value), z.string())
    .refine(isFinancialYear, 'expected a financial year such as 2324 (April 2023 to March 2024)')
    .optional(),
  segments: z
    .preprocess((value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value), z.array(z.enum(PNL_SEGMENTS)).min(1))
    .transform((segments) => [...new Set(segments)])
    .default([...PNL_SEGMENTS]),
  /** Rows per report page; the metadata's page_size_limit caps it. */
  pageSize: z.coerce.number().int().min(1).max(MAX_TRADE_PAGE_SIZE).optional(),
});
export type PnlPayload = z.infer<typeof pnlPayload>;

/** The P&L report, metadata and charges of each segment of a financial year. */
export const accountPnlJob: SnapshotJobDefinition<PnlPayload> = {
  name: 'account-pnl',
  description: 'store the trade P&L report and charges of --set financialYear=2324 (default the current one) in account_pnl_trades and account_pnl_summary',
  payloadSchema: pnlPayload,
  accountData: true,
  jobId: (payload, account) => buildJobId('account-pnl', account, payload.financialYear ?? 'current', payload.segments.join('.')),
  run: async (payload, deps) => {
    const financialYear = payload.financialYear ?? financialYearOf(istDateOf(deps.now()));
    let requestsMade = 0;
    let rowsWritten = 0;
    const details: string[] = [];
    for (const segment of payload.segments) {
      const result = await storeSegmentReport({ segment, financialYear }, payload.pageSize, deps);
      requestsMade += result.requestsMade;
      rowsWritten += result.rowsWritten;
      details.push(`${segment} ${result.rows}${result.note}`);
    }
    return { requestsMade, rowsWritten, state: 'done', detail: `FY ${financialYear}: ${details.join(', ')}` };
  },
};

async function storeSegmentReport(scope: PnlScope & { segment: PnlSegment }, pageSize: number | undefined, deps: SnapshotDeps) {
  const request = { segment: scope.segment, financialYear: scope.financialYear };
  const metadata = await deps.api.pnlMetadata(request);
  let requestsMade = 1;
  const { trades_count: expected, page_size_limit: limit } = metadata.data;
  const size = Math.min(pageSize ?? limit, limit, MAX_TRADE_PAGE_SIZE);

  const rows: PnlTradeRow[] = [];
  // A report with no trades needs no data request.
  for (let pageNumber = 1; rows.length < expected; pageNumber++) {
    const page = await deps.api.pnlReport({ ...request, pageNumber, pageSize: size });
    requestsMade++;
    const offset = rows.length;
    rows.push(...normaliseResponse(page, UPSTOX_APIS.pnlReport, () => normalisePnlTrades(page.data, scope, fetchContext(deps), offset)));
    if (page.data.length < size) break;
  }
  let note = '';
  if (rows.length !== expected) {
    // The report changed between the calls, or the count means something else; keep what the pages hold.
    note = ` (metadata counted ${expected})`;
    deps.log.warn({ segment: scope.segment, financialYear: scope.financialYear, rows: rows.length, tradesCount: expected }, 'P&L report rows differ from the metadata trades_count');
  }

  const charges = await deps.api.pnlCharges(request);
  requestsMade++;
  const summary = normaliseResponse(charges, UPSTOX_APIS.pnlCharges, () => normalisePnlSummary(metadata.data, charges.data, scope, fetchContext(deps)));
  const rowsWritten = await storePnlReport(deps.postgres, deps.account, scope, rows, summary);
  return { requestsMade, rowsWritten, rows: rows.length, note };
}
