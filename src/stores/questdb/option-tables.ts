import type { OptionRow } from '../../normalise/options.js';
import { utcMidnight } from '../../time/ist.js';
import type { TableSpec } from './row-writer.js';

// The QuestDB `option_chain` table (migrations/questdb/0003_option_chain.sql): one row per
// contract (strike and side), endpoint and snapshot. DEDUP UPSERT KEYS are
// (ts, instrument_key, source). IV and probability of profit are fractions.

/** Writes option-chain and option-greek rows; the designated timestamp is the snapshot slot. */
export const OPTION_CHAIN_TABLE: TableSpec<OptionRow> = {
  table: 'option_chain',
  timestampMs: (row) => row.tsMs,
  seriesColumn: 'instrument_key',
  columns: [
    { name: 'instrument_key', kind: 'symbol', value: (row) => row.instrumentKey },
    { name: 'source', kind: 'symbol', value: (row) => row.source },
    { name: 'underlying_key', kind: 'symbol', value: (row) => row.underlyingKey },
    { name: 'side', kind: 'symbol', value: (row) => row.side },
    // A DATE column: the calendar date at 00:00 UTC, as QuestDB stores dates.
    { name: 'expiry', kind: 'timestamp', value: (row) => (row.expiry === null ? null : utcMidnight(row.expiry)) },
    { name: 'strike', kind: 'float', value: (row) => row.strike },
    { name: 'polled_at', kind: 'timestamp', value: (row) => row.polledAtMs },
    { name: 'underlying_spot', kind: 'float', value: (row) => row.underlyingSpot },
    { name: 'pcr', kind: 'float', value: (row) => row.pcr },
    { name: 'last_price', kind: 'float', value: (row) => row.lastPrice },
    { name: 'prev_close', kind: 'float', value: (row) => row.prevClose },
    { name: 'volume', kind: 'int', value: (row) => row.volume },
    { name: 'last_traded_qty', kind: 'int', value: (row) => row.lastTradedQty },
    { name: 'oi', kind: 'float', value: (row) => row.oi },
    { name: 'prev_oi', kind: 'float', value: (row) => row.prevOi },
    { name: 'bid_price', kind: 'float', value: (row) => row.bidPrice },
    { name: 'bid_qty', kind: 'int', value: (row) => row.bidQty },
    { name: 'ask_price', kind: 'float', value: (row) => row.askPrice },
    { name: 'ask_qty', kind: 'int', value: (row) => row.askQty },
    { name: 'iv', kind: 'float', value: (row) => row.iv },
    { name: 'delta', kind: 'float', value: (row) => row.delta },
    { name: 'gamma', kind: 'float', value: (row) => row.gamma },
    { name: 'theta', kind: 'float', value: (row) => row.theta },
    { name: 'vega', kind: 'float', value: (row) => row.vega },
    { name: 'pop', kind: 'float', value: (row) => row.pop },
  ],
};
