import { istDateOf, type IsoDate } from '../time/ist.js';
import type { CorporateAction, ReportType, Statement, StatementKind, TimePeriod } from '../upstox/analytics.js';
import { AnalyticsValueError, parseLooseDate } from './analytics.js';

// Fundamentals to rows of `fundamentals` (one snapshot per company, kind and IST day) and
// corporate actions to typed rows of `corporate_actions` (one row per action).

export type FundamentalsKind = 'profile' | 'key-ratios' | StatementKind | 'share-holdings' | 'competitors';

export const FUNDAMENTALS_KINDS: readonly FundamentalsKind[] = ['profile', 'key-ratios', 'balance-sheet', 'income-statement', 'cash-flow', 'share-holdings', 'competitors'];

/** The request behind one fundamentals body. */
export interface FundamentalsSource {
  readonly kind: FundamentalsKind;
  /** The ISIN; for competitors, the instrument key that was requested. */
  readonly subject: string;
  readonly isin: string;
  /** Statements only. */
  readonly reportType?: ReportType;
  /** The income statement only. */
  readonly timePeriod?: TimePeriod;
  /** Statements only: whether `fs=true` was sent. */
  readonly fullStatement?: boolean;
}

export interface FundamentalsRow {
  readonly kind: FundamentalsKind;
  readonly subject: string;
  readonly isin: string;
  /** `consolidated` or `standalone`; empty for kinds that take no report type. */
  readonly report_type: string;
  /** `yearly` or `quarterly`; empty for kinds that take no time period. */
  readonly time_period: string;
  readonly as_of_date: IsoDate;
  /** The unit of statement amounts, such as `crore`. */
  readonly units_in: string | null;
  readonly full_statement: boolean | null;
  readonly data: unknown;
  readonly fetched_at: string;
}

const STATEMENT_KINDS: ReadonlySet<string> = new Set(['balance-sheet', 'income-statement', 'cash-flow']);

/**
 * Builds the one `fundamentals` row of a response. A statement whose `type` or `time_period`
 * differs from what was requested is rejected, because storing it under the requested key
 * would mislabel it.
 */
export function fundamentalsRow(source: FundamentalsSource, data: unknown, fetchedAtMs: number): FundamentalsRow {
  const statement = STATEMENT_KINDS.has(source.kind) ? (data as Statement) : undefined;
  const reportType = statement ? (source.reportType ?? 'consolidated') : '';
  const timePeriod = source.kind === 'income-statement' ? (source.timePeriod ?? 'yearly') : '';
  if (statement?.type != null && statement.type !== reportType) {
    throw new AnalyticsValueError(`${source.kind} of ${source.isin} has type ${JSON.stringify(statement.type)} but ${reportType} was requested`);
  }
  if (timePeriod !== '' && statement?.time_period != null && statement.time_period !== timePeriod) {
    throw new AnalyticsValueError(`${source.kind} of ${source.isin} has time_period ${JSON.stringify(statement.time_period)} but ${timePeriod} was requested`);
  }
  return {
    kind: source.kind,
    subject: source.subject,
    isin: source.isin,
    report_type: reportType,
    time_period: timePeriod,
    as_of_date: istDateOf(fetchedAtMs),
    units_in: statement?.units_in ?? null,
    full_statement: statement ? (source.fullStatement ?? false) : null,
    data: data ?? null,
    fetched_at: new Date(fetchedAtMs).toISOString(),
  };
}

export interface CorporateActionRow {
  readonly isin: string;
  /** `name` as Upstox sends it, such as `Dividend`, `Bonus` or `Split`. */
  readonly action_type: string;
  readonly ex_date: IsoDate;
  /** The `Purpose` event detail, such as `Final Dividend`; empty when the body has none. */
  readonly purpose: string;
  readonly record_date: IsoDate | null;
  readonly announcement_date: IsoDate | null;
  /** Rupees per share. */
  readonly amount: number | null;
  /** As sent, such as `1:1` for a bonus or `1:5` for a split. */
  readonly ratio: string | null;
  readonly raw: CorporateAction;
  readonly fetched_at: string;
}

export interface CorporateActionRows {
  readonly rows: CorporateActionRow[];
  /** Actions left out because an earlier one in the body has the same key, described for a warning. */
  readonly duplicates: string[];
}

/**
 * Builds one row per corporate action, keyed by ISIN, type, ex-date and purpose. `expiry_date`
 * is the ex-date (the OpenAPI document calls it "Ex-date or expiry date"). Record and
 * announcement dates come from `event_details` by name. A later action with the key of an
 * earlier one is left out and reported, since one key cannot hold two rows.
 */
export function corporateActionRows(isin: string, actions: readonly CorporateAction[], fetchedAtMs: number): CorporateActionRows {
  const rows: CorporateActionRow[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    const detail = (pattern: RegExp) => action.event_details?.find((d) => d.name != null && pattern.test(d.name.trim()))?.value;
    const exDate = parseLooseDate(action.expiry_date, `ex-date (expiry_date) of ${action.name} for ${isin}`);
    const record = detail(/^record date$/i);
    const announced = detail(/^announcement date$/i);
    const purpose = detail(/^purpose$/i);
    if (action.amount != null && (!Number.isFinite(action.amount) || action.amount < 0)) {
      throw new AnalyticsValueError(`invalid amount ${action.amount} in the ${action.name} of ${isin} with ex-date ${exDate}: an amount cannot be negative`);
    }
    const row: CorporateActionRow = {
      isin,
      action_type: action.name.trim(),
      ex_date: exDate,
      purpose: purpose == null ? '' : String(purpose).trim(),
      record_date: record == null || record === '' ? null : parseLooseDate(record, `record date of ${action.name} for ${isin}`),
      announcement_date: announced == null || announced === '' ? null : parseLooseDate(announced, `announcement date of ${action.name} for ${isin}`),
      amount: action.amount ?? null,
      ratio: action.ratio == null || action.ratio.trim() === '' ? null : action.ratio.trim(),
      raw: action,
      fetched_at: new Date(fetchedAtMs).toISOString(),
    };
    const key = `${row.action_type} ex ${row.ex_date}${row.purpose ? ` (${row.purpose})` : ''}`;
    if (seen.has(key)) {
      duplicates.push(key);
      continue;
    }
    seen.add(key);
    rows.push(row);
  }
  return { rows, duplicates };
}
