import { istDateOf, type IsoDate } from '../time/ist.js';
import type { MasterIndex, MasterRow } from './market-info-master.js';

// Instrument search over the real instruments master. Upstox does not document its fuzzy
// matching. The simulator keeps a row when every word of the query starts a word of its
// trading symbol, name, underlying symbol, ISIN or exchange token, case-insensitively. So
// "nifty" finds NIFTY and NIFTYNXT50 but not BANKNIFTY.

export interface SearchParams {
  readonly query: string;
  readonly exchanges: readonly string[];
  readonly segments: readonly string[];
  readonly instrumentTypes: readonly string[];
  readonly expiry: string | undefined;
  readonly atmOffset: number | undefined;
  readonly pageNumber: number;
  readonly records: number;
}

/** Relative expiry names the search API accepts, with the position of the expiry they pick. */
export const RELATIVE_EXPIRIES: Readonly<Record<string, { readonly monthly: boolean; readonly position: number }>> = {
  current_week: { monthly: false, position: 0 },
  this_week: { monthly: false, position: 0 },
  near_week: { monthly: false, position: 0 },
  weekly: { monthly: false, position: 0 },
  next_week: { monthly: false, position: 1 },
  far_week: { monthly: false, position: 2 },
  current_month: { monthly: true, position: 0 },
  this_month: { monthly: true, position: 0 },
  near_month: { monthly: true, position: 0 },
  monthly: { monthly: true, position: 0 },
  next_month: { monthly: true, position: 1 },
  far_month: { monthly: true, position: 2 },
};

export const SEARCH_EXCHANGES = ['ALL', 'NSE', 'BSE', 'MCX'];
export const SEARCH_SEGMENTS = ['ALL', 'EQ', 'FO', 'CURR', 'COMM', 'INDEX', 'OPT', 'FUT', 'OPTION_CHAIN'];

/** Returns one page of matching rows in a stable order, and the count of all matches. */
export function searchMaster(master: MasterIndex, params: SearchParams, today: IsoDate): { rows: MasterRow[]; total: number } {
  const words = params.query.toUpperCase().split(/\s+/).filter(Boolean);
  let matches = master.rows.filter(
    (row) =>
      matchesExchange(row, params.exchanges) &&
      matchesSegment(row, params.segments) &&
      (params.instrumentTypes.length === 0 || params.instrumentTypes.includes(row.instrument_type ?? '')) &&
      matchesWords(row, words),
  );
  const targetsOptions = params.instrumentTypes.some((t) => t === 'CE' || t === 'PE') || params.segments.some((s) => s === 'OPT' || s === 'OPTION_CHAIN');
  // Option searches without an expiry default to the current week's expiry, as Upstox documents.
  const expiry = params.expiry ?? (targetsOptions ? 'current_week' : undefined);
  if (expiry !== undefined) matches = filterExpiry(matches, expiry, today);
  if (params.atmOffset !== undefined) matches = filterAtm(matches, params.atmOffset);
  matches.sort(compareRows);
  const start = (params.pageNumber - 1) * params.records;
  return { rows: matches.slice(start, start + params.records), total: matches.length };
}

function matchesExchange(row: MasterRow, exchanges: readonly string[]): boolean {
  return exchanges.length === 0 || exchanges.includes('ALL') || exchanges.includes(row.exchange ?? '');
}

function matchesSegment(row: MasterRow, segments: readonly string[]): boolean {
  if (segments.length === 0 || segments.includes('ALL')) return true;
  const type = row.instrument_type ?? '';
  const isOption = type === 'CE' || type === 'PE';
  return segments.some((segment) => {
    switch (segment) {
      case 'EQ':
        return row.segment.endsWith('_EQ');
      case 'FO':
        return row.segment === 'NSE_FO' || row.segment === 'BSE_FO';
      case 'CURR':
        return row.segment === 'NCD_FO' || row.segment === 'BCD_FO';
      case 'COMM':
        return row.segment === 'NSE_COM' || row.segment === 'MCX_FO';
      case 'INDEX':
        return row.segment.endsWith('_INDEX');
      case 'OPT':
        return isOption;
      case 'FUT':
        return type === 'FUT';
      case 'OPTION_CHAIN':
        return isOption && (row.segment === 'NSE_FO' || row.segment === 'BSE_FO');
      default:
        return false;
    }
  });
}

function matchesWords(row: MasterRow, words: readonly string[]): boolean {
  const text = [row.trading_symbol, row.name, row.underlying_symbol, row.isin, row.exchange_token].filter((v) => typeof v === 'string').join(' ').toUpperCase();
  const rowWords = text.split(/\s+/);
  return words.every((word) => rowWords.some((rowWord) => rowWord.startsWith(word)));
}

// A weekly name picks, per underlying, the n-th expiry from today, and a monthly name the
// last expiry of the n-th month. Rows without an expiry drop out.
function filterExpiry(rows: MasterRow[], expiry: string, today: IsoDate): MasterRow[] {
  const relative = RELATIVE_EXPIRIES[expiry];
  if (!relative) return rows.filter((row) => row.expiry !== undefined && istDateOf(row.expiry) === expiry);
  const byUnderlying = new Map<string, Set<IsoDate>>();
  for (const row of rows) {
    if (row.expiry === undefined) continue;
    const date = istDateOf(row.expiry);
    if (date < today) continue;
    const key = row.underlying_key ?? row.instrument_key;
    let dates = byUnderlying.get(key);
    if (!dates) byUnderlying.set(key, (dates = new Set()));
    dates.add(date);
  }
  const picked = new Map<string, IsoDate>();
  for (const [key, dates] of byUnderlying) {
    let sorted = [...dates].sort();
    if (relative.monthly) {
      const lastOfMonth = new Map<string, IsoDate>();
      for (const date of sorted) lastOfMonth.set(date.slice(0, 7), date);
      sorted = [...lastOfMonth.values()];
    }
    const date = sorted[relative.position];
    if (date !== undefined) picked.set(key, date);
  }
  return rows.filter((row) => row.expiry !== undefined && picked.get(row.underlying_key ?? row.instrument_key) === istDateOf(row.expiry));
}

// NOTE: the simulator has no spot price, so the middle strike of each underlying's expiry
// is used as the ATM strike.
function filterAtm(rows: MasterRow[], offset: number): MasterRow[] {
  const strikes = new Map<string, number[]>();
  for (const row of rows) {
    if (row.strike_price === undefined || !(row.instrument_type === 'CE' || row.instrument_type === 'PE')) continue;
    const key = `${row.underlying_key}|${row.expiry}`;
    let list = strikes.get(key);
    if (!list) strikes.set(key, (list = []));
    if (!list.includes(row.strike_price)) list.push(row.strike_price);
  }
  const chosen = new Map<string, number>();
  for (const [key, list] of strikes) {
    list.sort((a, b) => a - b);
    const strike = list[Math.floor(list.length / 2) + offset];
    if (strike !== undefined) chosen.set(key, strike);
  }
  return rows.filter((row) => chosen.get(`${row.underlying_key}|${row.expiry}`) === row.strike_price);
}

function compareRows(a: MasterRow, b: MasterRow): number {
  return (
    (a.expiry ?? 0) - (b.expiry ?? 0) ||
    (a.strike_price ?? 0) - (b.strike_price ?? 0) ||
    compareText(a.instrument_type ?? '', b.instrument_type ?? '') ||
    compareText(a.instrument_key, b.instrument_key)
  );
}

// Code-unit order, so the result does not depend on the host's locale.
function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
