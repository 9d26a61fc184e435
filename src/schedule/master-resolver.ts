import type { PostgresStore } from '../stores/postgres/store.js';
import { istDateOf } from '../time/ist.js';
import type { WatchlistResolver } from './desired-schedulers.js';

/**
 * Resolves watchlists through the instruments master stored by the instruments-master job:
 * explicit keys as given, symbols such as `RELIANCE` (NSE equity) or `NSE_INDEX:NIFTY`
 * (segment and trading symbol), and the `fo-underlyings` query (every underlying with an
 * unexpired NSE future or option). A symbol the master does not list fails the reconcile
 * with its name.
 */
export function masterResolver(store: PostgresStore, now: () => number = Date.now): WatchlistResolver {
  return {
    async resolve(name, watchlist) {
      const keys = [...watchlist.instruments];
      if (watchlist.symbols.length > 0) {
        const wanted = watchlist.symbols.map((symbol) => {
          const colon = symbol.indexOf(':');
          return colon < 0 ? { segment: 'NSE_EQ', symbol } : { segment: symbol.slice(0, colon), symbol: symbol.slice(colon + 1) };
        });
        const rows = await store.query<{ instrument_key: string; segment: string; trading_symbol: string }>(
          'SELECT instrument_key, segment, trading_symbol FROM instruments WHERE (segment, trading_symbol) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
          [wanted.map((w) => w.segment), wanted.map((w) => w.symbol)],
        );
        const found = new Map(rows.map((r) => [`${r.segment}:${r.trading_symbol}`, r.instrument_key]));
        const missing = wanted.filter((w) => !found.has(`${w.segment}:${w.symbol}`));
        if (missing.length > 0) {
          throw new Error(`watchlist ${name}: the instruments master lists no ${missing.map((m) => `${m.segment} ${m.symbol}`).join(', ')}; check the spelling, or run the instruments-master job`);
        }
        keys.push(...wanted.map((w) => found.get(`${w.segment}:${w.symbol}`)!));
      }
      if (watchlist.query === 'fo-underlyings') {
        const rows = await store.query<{ underlying_key: string }>(
          "SELECT DISTINCT underlying_key FROM instruments WHERE segment = 'NSE_FO' AND underlying_key IS NOT NULL AND expiry >= $1::date ORDER BY underlying_key",
          [istDateOf(now())],
        );
        if (rows.length === 0) throw new Error(`watchlist ${name}: the instruments master lists no NSE futures or options; run the instruments-master job first`);
        keys.push(...rows.map((r) => r.underlying_key));
      }
      return [...new Set(keys)];
    },
  };
}
