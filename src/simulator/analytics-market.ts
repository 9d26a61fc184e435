import { StaticNseCalendar } from '../calendar/trading-calendar.js';
import { addDays, istInstant, istToday, type IsoDate } from '../time/ist.js';
import { hashText, logUniformOf, normalOf, uniformOf } from './random.js';

// Composed bodies of the market-analytics endpoints. Upstox's OpenAPI document leaves their
// `data` untyped and no example has been published, so the shapes below are invented: plain
// JSON objects with snake_case fields, epoch-millisecond timestamps and YYYY-MM-DD dates, as
// Upstox's other market APIs use. Every value is derived from a hash of the request, so the
// same request returns the same bytes.

/** The parameters of a PCR, OI, change-in-OI or max-pain request, already validated. */
export interface OptionAnalyticsQuery {
  readonly kind: 'pcr' | 'oi' | 'change-oi' | 'max-pain';
  readonly instrumentKey: string;
  readonly expiry: IsoDate;
  readonly date: IsoDate;
  /** Minutes; pcr and max-pain only. */
  readonly bucketInterval?: number;
  /** Days; change-oi only. */
  readonly interval?: number;
}

const calendar = new StaticNseCalendar();
const SESSION_OPEN_MINUTE = 9 * 60 + 15;
const SESSION_CLOSE_MINUTE = 15 * 60 + 30;
const STRIKES_EACH_SIDE = 10;

// Index levels near their 2025-26 range, so composed strikes look like real ones.
const KNOWN_SPOT: Readonly<Record<string, { spot: number; step: number }>> = {
  'NSE_INDEX|Nifty 50': { spot: 24_500, step: 50 },
  'NSE_INDEX|Nifty Bank': { spot: 55_000, step: 100 },
  'NSE_INDEX|Nifty Fin Service': { spot: 26_000, step: 50 },
};

/** Returns the `data` of an option-analytics endpoint for one underlying, expiry and date. */
export function optionAnalyticsData(query: OptionAnalyticsQuery): Record<string, unknown> {
  const seed = `${query.instrumentKey}|${query.expiry}|${query.date}`;
  const { spot, step } = spotOf(query.instrumentKey, query.date);
  const head = { instrument_key: query.instrumentKey, expiry: query.expiry, date: query.date };
  switch (query.kind) {
    case 'pcr': {
      const insights = buckets(query.date, query.bucketInterval ?? 15).map((ts, i) => {
        const callOi = openInterest(`${seed}|call|${i}`, 1);
        const putOi = openInterest(`${seed}|put|${i}`, 0.7 + 0.6 * uniformOf(`${seed}|pcr`));
        return { timestamp: ts, pcr: round(putOi / callOi, 2), put_oi: putOi, call_oi: callOi, spot_price: drift(spot, `${seed}|${i}`) };
      });
      const last = insights.at(-1);
      return { ...head, bucket_interval: query.bucketInterval ?? 15, pcr: last?.pcr ?? null, put_oi: last?.put_oi ?? null, call_oi: last?.call_oi ?? null, insights };
    }
    case 'oi': {
      const strikes = strikeLadder(spot, step).map((strike) => ({
        strike_price: strike,
        call_oi: openInterest(`${seed}|call|${strike}`, strike >= spot ? 1.4 : 0.6),
        put_oi: openInterest(`${seed}|put|${strike}`, strike <= spot ? 1.4 : 0.6),
      }));
      const sum = (side: 'call_oi' | 'put_oi') => strikes.reduce((total, s) => total + s[side], 0);
      return { ...head, spot_price: spot, total_call_oi: sum('call_oi'), total_put_oi: sum('put_oi'), strikes };
    }
    case 'change-oi': {
      const interval = query.interval ?? 1;
      const strikes = strikeLadder(spot, step).map((strike) => ({
        strike_price: strike,
        call_oi_change: Math.round(openInterest(`${seed}|${interval}|call|${strike}`, 0.2) * normalOf(`${seed}|${interval}|cs|${strike}`)),
        put_oi_change: Math.round(openInterest(`${seed}|${interval}|put|${strike}`, 0.2) * normalOf(`${seed}|${interval}|ps|${strike}`)),
      }));
      return { ...head, interval, spot_price: spot, strikes };
    }
    case 'max-pain': {
      const centre = Math.round(spot / step) * step;
      const insights = buckets(query.date, query.bucketInterval ?? 15).map((ts, i) => ({
        timestamp: ts,
        max_pain: centre + step * Math.round(normalOf(`${seed}|mp|${i}`)),
        spot_price: drift(spot, `${seed}|${i}`),
      }));
      return { ...head, bucket_interval: query.bucketInterval ?? 15, max_pain: insights.at(-1)?.max_pain ?? centre, insights };
    }
  }
}

/** Returns the `data` of the FII or DII endpoint: net buying in crore per day or month. */
export function activityData(kind: 'fii' | 'dii', dataType: string, interval: '1D' | '1M', from: IsoDate | undefined, nowMs: number): Record<string, unknown> {
  // The last completed day: data for the current day appears after the market closes.
  const until = addDays(istToday(nowMs), -1);
  const start = from ?? addDays(until, interval === '1D' ? -30 : -365);
  const scale = dataType === 'NSE_EQ|CASH' ? 12_000 : 4_000;
  const record = (label: string) => {
    const seed = `${kind}|${dataType}|${label}`;
    const buy = round(logUniformOf(`${seed}|buy`, scale * 0.6, scale * 1.6), 2);
    const sell = round(buy * (1 + 0.12 * normalOf(`${seed}|net`)), 2);
    return { buy_value: buy, sell_value: sell, net_value: round(buy - sell, 2) };
  };
  const records: Record<string, unknown>[] = [];
  if (interval === '1D') {
    for (let date = start; date <= until; date = addDays(date, 1)) {
      if ((calendar.day('NSE_EQ', date)?.sessions.length ?? 0) > 0) records.push({ date, ...record(date) });
    }
  } else {
    for (let month = start.slice(0, 7); month <= until.slice(0, 7); month = addDays(`${month}-28`, 7).slice(0, 7)) {
      records.push({ month, ...record(month) });
    }
  }
  return { data_type: dataType, interval, records };
}

/** Returns a page of a smartlist: instruments drawn from `keys` in a fixed order per list. */
export function smartlistData(list: string, assetType: string, category: string, keys: readonly string[], pageNumber: number, pageSize: number): Record<string, unknown>[] {
  const seed = `${list}|${assetType}|${category}`;
  const total = Math.min(100, keys.length);
  const offset = keys.length === 0 ? 0 : hashText(seed) % keys.length;
  const rows: Record<string, unknown>[] = [];
  for (let rank = (pageNumber - 1) * pageSize + 1; rank <= Math.min(total, pageNumber * pageSize); rank++) {
    const key = keys[(offset + rank * 7919) % keys.length]!;
    const price = round(logUniformOf(`${seed}|${key}|price`, 5, 5000), 2);
    const row: Record<string, unknown> = { rank, instrument_key: key, last_price: price, change_percent: round(3 * normalOf(`${seed}|${key}|chg`), 2) };
    if (list === 'mtf') row.mtf_leverage = round(1 + 4 * uniformOf(`${key}|lev`), 2);
    else {
      row.volume = Math.round(logUniformOf(`${seed}|${key}|vol`, 1e4, 1e8));
      row.open_interest = Math.round(logUniformOf(`${seed}|${key}|oi`, 1e3, 1e7));
    }
    rows.push(row);
  }
  return rows;
}

function spotOf(instrumentKey: string, date: IsoDate): { spot: number; step: number } {
  const known = KNOWN_SPOT[instrumentKey];
  const base = known?.spot ?? logUniformOf(`${instrumentKey}|spot`, 200, 5000);
  const step = known?.step ?? niceStep(base / 50);
  return { spot: round(base * (1 + 0.03 * normalOf(`${instrumentKey}|${date}`)), 2), step };
}

function niceStep(raw: number): number {
  for (const step of [1, 2.5, 5, 10, 20, 50, 100]) if (raw <= step) return step;
  return 100;
}

function strikeLadder(spot: number, step: number): number[] {
  const atm = Math.round(spot / step) * step;
  const strikes: number[] = [];
  for (let i = -STRIKES_EACH_SIDE; i <= STRIKES_EACH_SIDE; i++) strikes.push(round(atm + i * step, 2));
  return strikes;
}

function buckets(date: IsoDate, minutes: number): number[] {
  const stamps: number[] = [];
  for (let minute = SESSION_OPEN_MINUTE; minute < SESSION_CLOSE_MINUTE; minute += minutes) stamps.push(istInstant(date, minute));
  return stamps;
}

function openInterest(seed: string, weight: number): number {
  // Whole lots of 75, as Nifty options trade.
  return Math.round((logUniformOf(seed, 2e5, 8e6) * weight) / 75) * 75;
}

function drift(spot: number, seed: string): number {
  return round(spot * (1 + 0.004 * normalOf(seed)), 2);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
