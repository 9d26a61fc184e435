import { addDays, dayOfWeek, type IsoDate } from '../time/ist.js';
import type { CandleUnit } from '../upstox/candle-units.js';
import type { ExpiredCandleInterval } from '../upstox/market-info.js';
import { historicalRows } from './candle-queries.js';
import type { CandleSource } from './candle-source.js';
import type { CandleRow } from './envelopes.js';
import type { ExchangeSessions } from './exchange-sessions.js';
import { MASTER_SEGMENTS } from './instruments.js';
import { LruCache } from './lru-cache.js';
import type { MasterIndex, MasterRow } from './market-info-master.js';

// Expired derivatives, derived from today's NSE_FO contracts in the instruments master:
// - Expiry dates: NSE's expiry weekday (Thursday, Tuesday from September 2025), moved back to
//   the previous trading day when it is a holiday. Underlyings with weekly options in the
//   master expire every week, the others on the last expiry weekday of each month.
// - Contracts of a past expiry: one future on monthly expiries, and a call and a put for each
//   strike of the underlying's nearest live expiry, with its lot size, tick and freeze quantity.
// - Exchange tokens: 35000 + 1000 × the underlying's position among the sorted underlyings +
//   the contract's position, so a key names one contract and can be traced back to it.
//   Tokens repeat across expiries, as real tokens are reused, and the key's date distinguishes them.
// - Candles: the synthetic NSE_FO candles of the expired key, from 90 days before expiry up to
//   the expiry day.
// NOTE: the weekly flag comes from today's master, so underlyings whose weeklies NSE
// discontinued in November 2024 (such as Nifty Bank) show monthly expiries only.

/** A contract in the shape of the expired contract APIs; futures have no strike or weekly flag. */
export interface ExpiredContract {
  readonly name: string;
  readonly segment: string;
  readonly exchange: string;
  readonly expiry: IsoDate;
  readonly instrument_key: string;
  readonly exchange_token: string;
  readonly trading_symbol: string;
  readonly tick_size: number;
  readonly lot_size: number;
  readonly instrument_type: string;
  readonly freeze_quantity: number;
  readonly underlying_key: string;
  readonly underlying_type: string;
  readonly underlying_symbol: string;
  readonly strike_price?: number;
  readonly minimum_lot: number;
  readonly weekly?: boolean;
}

/** How far back the expiry list reaches: about six months, as Upstox documents. */
export const EXPIRY_WINDOW_DAYS = 200;
const CONTRACT_LIFE_DAYS = 90;
const TOKEN_BASE = 35_000;
const TOKENS_PER_UNDERLYING = 1_000;
const TUESDAY_EXPIRIES_FROM = '2025-09-01';
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const CANDLE_QUERIES: Readonly<Record<ExpiredCandleInterval, { unit: CandleUnit; interval: number }>> = {
  '1minute': { unit: 'minutes', interval: 1 },
  '3minute': { unit: 'minutes', interval: 3 },
  '5minute': { unit: 'minutes', interval: 5 },
  '15minute': { unit: 'minutes', interval: 15 },
  '30minute': { unit: 'minutes', interval: 30 },
  day: { unit: 'days', interval: 1 },
};

interface Template {
  readonly index: number;
  readonly weekly: boolean;
  readonly strikes: readonly number[];
  readonly option: MasterRow | undefined;
  readonly future: MasterRow | undefined;
}

/** The expired-instrument data of one instruments master. */
export class ExpiredInstruments {
  private readonly templates = new Map<string, Template | undefined>();
  private readonly contractCache = new LruCache<string, readonly ExpiredContract[]>(2_000);

  constructor(
    private readonly master: MasterIndex,
    private readonly sessions: ExchangeSessions,
    private readonly candles: CandleSource,
  ) {}

  /** Returns true when the master lists the key, or the key's segment is outside the master. */
  knows(underlyingKey: string): boolean {
    return this.master.byKey.has(underlyingKey) || !MASTER_SEGMENTS.has(underlyingKey.slice(0, underlyingKey.indexOf('|')));
  }

  /** Returns the past expiries of an underlying within the window before `today`, oldest first. */
  expiries(underlyingKey: string, today: IsoDate): IsoDate[] {
    const template = this.template(underlyingKey);
    if (!template) return [];
    const first = addDays(today, -EXPIRY_WINDOW_DAYS);
    const dates = new Set<IsoDate>();
    // Scan a week past the window, because a holiday moves an expiry back by a day or two.
    for (let date = first; date <= addDays(today, 7); date = addDays(date, 1)) {
      if (dayOfWeek(date) !== expiryWeekday(date)) continue;
      if (!template.weekly && !isLastOfMonth(date)) continue;
      const expiry = this.previousTradingDay(date);
      if (expiry >= first && expiry < today) dates.add(expiry);
    }
    return [...dates].sort();
  }

  /** Returns the option or future contracts of one past expiry; empty when `expiry` is not one. */
  contracts(underlyingKey: string, expiry: IsoDate, today: IsoDate, kind: 'options' | 'futures'): ExpiredContract[] {
    if (!this.expiries(underlyingKey, today).includes(expiry)) return [];
    const all = this.allContracts(underlyingKey, expiry);
    return all.filter((c) => (kind === 'futures' ? c.instrument_type === 'FUT' : c.instrument_type !== 'FUT'));
  }

  /** Returns the contract an expired key names, when it expired before `today`. */
  find(expiredKey: string, today: IsoDate): ExpiredContract | undefined {
    const match = /^NSE_FO\|(\d+)\|(\d{2})-(\d{2})-(\d{4})$/.exec(expiredKey);
    if (!match) return undefined;
    const offset = Number(match[1]) - TOKEN_BASE;
    const underlying = this.master.underlyings[Math.floor(offset / TOKENS_PER_UNDERLYING)];
    if (offset < 0 || underlying === undefined) return undefined;
    const expiry = `${match[4]}-${match[3]}-${match[2]}`;
    if (!this.expiries(underlying, today).includes(expiry)) return undefined;
    return this.allContracts(underlying, expiry).find((c) => c.instrument_key === expiredKey);
  }

  /** Returns the candles of an expired contract for `fromDate`..`toDate`, newest first, within its life. */
  candleRows(contract: ExpiredContract, interval: ExpiredCandleInterval, fromDate: IsoDate, toDate: IsoDate, nowMs: number): CandleRow[] {
    const listed = addDays(contract.expiry, -CONTRACT_LIFE_DAYS);
    const first = fromDate > listed ? fromDate : listed;
    const last = toDate < contract.expiry ? toDate : contract.expiry;
    if (first > last) return [];
    const instrument = {
      key: contract.instrument_key,
      segment: contract.segment,
      info: { segment: contract.segment, tickSizePaise: contract.tick_size, instrumentType: contract.instrument_type },
    };
    return historicalRows(this.candles, { instrument, ...CANDLE_QUERIES[interval] }, first, last, nowMs);
  }

  private allContracts(underlyingKey: string, expiry: IsoDate): readonly ExpiredContract[] {
    return this.contractCache.getOrCompute(`${underlyingKey}|${expiry}`, () => {
      const template = this.template(underlyingKey);
      if (!template) return [];
      const monthly = this.isMonthlyExpiry(expiry);
      const keyDate = `${expiry.slice(8, 10)}-${expiry.slice(5, 7)}-${expiry.slice(0, 4)}`;
      const symbolDate = `${expiry.slice(8, 10)} ${MONTHS[Number(expiry.slice(5, 7)) - 1]} ${expiry.slice(2, 4)}`;
      const tokenOf = (position: number) => String(TOKEN_BASE + template.index * TOKENS_PER_UNDERLYING + position);
      const contracts: ExpiredContract[] = [];
      const future = template.future;
      if (future && monthly) {
        const token = tokenOf(0);
        contracts.push({
          ...common(future, underlyingKey, expiry, token, keyDate),
          trading_symbol: `${future.name ?? ''} FUT ${symbolDate}`,
          tick_size: future.tick_size ?? 10,
          lot_size: future.lot_size ?? 1,
          instrument_type: 'FUT',
          freeze_quantity: future.freeze_quantity ?? 0,
          ...underlyingFields(future, underlyingKey),
          minimum_lot: future.minimum_lot ?? future.lot_size ?? 1,
        });
      }
      const option = template.option;
      if (option) {
        template.strikes.forEach((strike, i) => {
          for (const [side, type] of [[1, 'CE'], [2, 'PE']] as const) {
            const token = tokenOf(2 * i + side);
            contracts.push({
              ...common(option, underlyingKey, expiry, token, keyDate),
              trading_symbol: `${option.name ?? ''} ${strike} ${type} ${symbolDate}`,
              tick_size: option.tick_size ?? 5,
              lot_size: option.lot_size ?? 1,
              instrument_type: type,
              freeze_quantity: option.freeze_quantity ?? 0,
              ...underlyingFields(option, underlyingKey),
              strike_price: strike,
              minimum_lot: option.minimum_lot ?? option.lot_size ?? 1,
              weekly: !monthly,
            });
          }
        });
      }
      return contracts;
    });
  }

  private template(underlyingKey: string): Template | undefined {
    if (this.templates.has(underlyingKey)) return this.templates.get(underlyingKey);
    const rows = this.master.derivatives.get(underlyingKey);
    let template: Template | undefined;
    if (rows) {
      const options = rows.filter((r) => r.instrument_type === 'CE' || r.instrument_type === 'PE');
      const nearest = Math.min(...options.map((r) => r.expiry ?? Number.POSITIVE_INFINITY));
      const strikes = [...new Set(options.filter((r) => r.expiry === nearest).map((r) => r.strike_price ?? 0))].filter((s) => s > 0).sort((a, b) => a - b);
      // Each underlying owns 1,000 tokens: one future and a call and a put per strike.
      const maxStrikes = (TOKENS_PER_UNDERLYING - 1) / 2;
      template = {
        index: this.master.underlyings.indexOf(underlyingKey),
        weekly: options.some((r) => r.weekly === true),
        strikes: strikes.slice(0, Math.floor(maxStrikes)),
        option: options.find((r) => r.expiry === nearest),
        future: rows.find((r) => r.instrument_type === 'FUT'),
      };
    }
    this.templates.set(underlyingKey, template);
    return template;
  }

  private isMonthlyExpiry(expiry: IsoDate): boolean {
    // The month's last expiry weekday, moved back over holidays, is the monthly expiry.
    for (let date = expiry; date <= addDays(expiry, 7); date = addDays(date, 1)) {
      if (dayOfWeek(date) === expiryWeekday(date) && this.previousTradingDay(date) === expiry) return isLastOfMonth(date);
    }
    return false;
  }

  private previousTradingDay(date: IsoDate): IsoDate {
    let day = date;
    for (let back = 0; back < 10 && this.sessions.sessionsOf('NSE_FO', day).length === 0; back++) day = addDays(day, -1);
    return day;
  }
}

function expiryWeekday(date: IsoDate): number {
  return date < TUESDAY_EXPIRIES_FROM ? 4 : 2;
}

function isLastOfMonth(date: IsoDate): boolean {
  return addDays(date, 7).slice(5, 7) !== date.slice(5, 7);
}

function common(row: MasterRow, underlyingKey: string, expiry: IsoDate, token: string, keyDate: string) {
  return {
    name: row.name ?? underlyingKey,
    segment: 'NSE_FO',
    exchange: 'NSE',
    expiry,
    instrument_key: `NSE_FO|${token}|${keyDate}`,
    exchange_token: token,
  };
}

function underlyingFields(row: MasterRow, underlyingKey: string) {
  return {
    underlying_key: underlyingKey,
    underlying_type: row.underlying_type ?? 'EQUITY',
    underlying_symbol: row.underlying_symbol ?? row.name ?? '',
  };
}
