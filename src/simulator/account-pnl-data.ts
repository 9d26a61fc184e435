import { addDays, type IsoDate } from '../time/ist.js';
import { ACCOUNT_SAMPLES, pick, priceNear, round2, type JsonObject } from './account-samples.js';

// The simulated trade P&L report: rows built from the sample row, a count fixed by the
// account, segment and financial year, and dates inside that year (April to March).

// Rows per report: equity and F&O have trades, commodity and currency none.
const ROWS_PER_SEGMENT: Readonly<Record<string, { min: number; spread: number }>> = {
  EQ: { min: 5, spread: 5 },
  FO: { min: 2, spread: 3 },
  COM: { min: 0, spread: 1 },
  CD: { min: 0, spread: 1 },
};

const EQUITY_POOL = [
  { isin: 'INE256A01028', scrip_name: 'ZEE ENTER', price: 250.4 },
  { isin: 'INE062A01020', scrip_name: 'SBI', price: 571.35 },
  { isin: 'INE002A01018', scrip_name: 'RELIANCE', price: 2915.0 },
];

const FO_POOL = [
  { isin: '', scrip_name: 'NIFTY FUT', trade_type: 'FUT', price: 22450.0, lot: 75 },
  { isin: '', scrip_name: 'NIFTY 22500 CE', trade_type: 'OPT', price: 112.4, lot: 75 },
];

/** Returns the first day of a financial year such as `2324` (read as 20xx). */
export function financialYearStart(financialYear: string): IsoDate {
  return `${2000 + Number(financialYear.slice(0, 2))}-04-01`;
}

/** Formats `YYYY-MM-DD` as the P&L endpoints' `dd-mm-yyyy`. */
export function dayMonthYear(date: IsoDate): string {
  return `${date.slice(8, 10)}-${date.slice(5, 7)}-${date.slice(0, 4)}`;
}

/**
 * Returns the whole report of one segment and financial year, ordered by sell date, or only
 * the rows sold from `fromDate` to `toDate` (both `YYYY-MM-DD`) when given.
 */
export function simulatedPnlTrades(account: string, segment: string, financialYear: string, fromDate?: IsoDate, toDate?: IsoDate): JsonObject[] {
  const size = ROWS_PER_SEGMENT[segment] ?? { min: 0, spread: 1 };
  const count = size.min + pick(`pnl-count|${account}|${segment}|${financialYear}`, size.spread);
  const start = financialYearStart(financialYear);
  const template = ACCOUNT_SAMPLES.pnlData[0]!;
  const rows: { sold: IsoDate; row: JsonObject }[] = [];
  for (let i = 0; i < count; i++) {
    const seed = `pnl|${account}|${segment}|${financialYear}|${i}`;
    const bought = addDays(start, pick(`${seed}|buy`, 300));
    const sold = addDays(bought, pick(`${seed}|held`, 60));
    const instrument = segment === 'FO' ? FO_POOL[pick(seed, FO_POOL.length)]! : { ...EQUITY_POOL[pick(seed, EQUITY_POOL.length)]!, trade_type: 'EQ', lot: 1 };
    const quantity = instrument.lot * (1 + pick(`${seed}|quantity`, 20));
    const buyAverage = priceNear(`${seed}|buy-price`, instrument.price, 0.05);
    const sellAverage = priceNear(`${seed}|sell-price`, instrument.price, 0.05);
    rows.push({
      sold,
      row: {
        ...template,
        quantity,
        isin: instrument.isin,
        scrip_name: instrument.scrip_name,
        trade_type: instrument.trade_type,
        buy_date: dayMonthYear(bought),
        buy_average: buyAverage,
        sell_date: dayMonthYear(sold),
        sell_average: sellAverage,
        buy_amount: round2(buyAverage * quantity),
        sell_amount: round2(sellAverage * quantity),
      },
    });
  }
  const inRange = rows.filter((r) => (fromDate === undefined || r.sold >= fromDate) && (toDate === undefined || r.sold <= toDate));
  inRange.sort((a, b) => a.sold.localeCompare(b.sold));
  return inRange.map((r) => r.row);
}

/** Returns the charges breakdown of a report with `trades` rows: the sample's shape, scaled by the row count. */
export function simulatedPnlCharges(account: string, segment: string, financialYear: string, trades: number): JsonObject {
  const seed = `pnl-charges|${account}|${segment}|${financialYear}`;
  const brokerage = round2(trades * (10 + pick(`${seed}|brokerage`, 1000) / 100));
  const gst = round2(brokerage * 0.18);
  const stt = round2(trades * 1.5);
  const stampDuty = round2(trades * 0.2);
  const transaction = round2(trades * 0.056);
  const sebiTurnover = round2(trades * 0.001);
  const demat = segment === 'EQ' ? round2(trades * 3.7) : 0;
  const total = round2(brokerage + gst + stt + stampDuty + transaction + sebiTurnover + demat);
  return {
    charges_breakdown: {
      total,
      brokerage,
      taxes: { gst, stt, stamp_duty: stampDuty },
      charges: { transaction, clearing: 0, ipft: null, others: 0, sebi_turnover: sebiTurnover, demat_transaction: demat },
    },
  };
}
