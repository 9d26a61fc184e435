import type { ContractFacts, OptionContractRow } from '../../normalise/options.js';
import type { IsoDate } from '../../time/ist.js';
import type { PostgresStore } from './store.js';

// The `option_contracts` table (migrations/postgres/0004_option_contracts.sql), keyed by
// instrument key, so fetching the same contracts again updates rows and adds none.

/** Inserts or updates option contracts by instrument key; returns the rows written. */
export function upsertOptionContracts(store: PostgresStore, rows: readonly OptionContractRow[]): Promise<number> {
  return store.upsert('option_contracts', ['instrument_key'], rows);
}

/** Reads expiry, strike, side and underlying of the listed contracts; keys not stored are absent from the map. */
export async function readContractFacts(store: PostgresStore, instrumentKeys: readonly string[]): Promise<Map<string, ContractFacts>> {
  const facts = new Map<string, ContractFacts>();
  if (instrumentKeys.length === 0) return facts;
  const rows = await store.query<{ instrument_key: string; underlying_key: string; expiry: string; strike: string; instrument_type: 'CE' | 'PE' }>(
    `SELECT instrument_key, underlying_key, to_char(expiry, 'YYYY-MM-DD') AS expiry, strike_price::text AS strike, instrument_type
       FROM option_contracts WHERE instrument_key = ANY($1::text[])`,
    [instrumentKeys],
  );
  for (const row of rows) {
    // The strike goes to a QuestDB DOUBLE column, so it is read as a number here. Strikes are
    // rupee amounts with at most a few decimals, which a double represents closely enough.
    facts.set(row.instrument_key, { underlyingKey: row.underlying_key, expiry: row.expiry, strike: Number(row.strike), side: row.instrument_type });
  }
  return facts;
}

/** Returns the stored expiry dates of an underlying's options on or after `fromDate`, earliest first. */
export async function upcomingExpiries(store: PostgresStore, underlyingKey: string, fromDate: IsoDate): Promise<IsoDate[]> {
  const rows = await store.query<{ expiry: string }>(
    'SELECT DISTINCT expiry FROM option_contracts WHERE underlying_key = $1 AND expiry >= $2::date ORDER BY expiry',
    [underlyingKey, fromDate],
  );
  return rows.map((r) => r.expiry);
}
