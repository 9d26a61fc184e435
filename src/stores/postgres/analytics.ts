import type { MarketAnalyticsRow } from '../../normalise/analytics.js';
import type { CorporateActionRow, FundamentalsRow } from '../../normalise/fundamentals.js';
import type { NewsRow } from '../../normalise/news.js';
import type { PostgresStore } from './store.js';

// Writes of market analytics, fundamentals, corporate actions and news. Each table is keyed by
// what identifies its rows (see migration 0011), so writing the same rows again updates them.

/** Inserts or updates `market_analytics` rows by kind, parameters and as-of date. */
export function storeMarketAnalytics(store: PostgresStore, rows: readonly MarketAnalyticsRow[]): Promise<number> {
  return store.upsert('market_analytics', ['kind', 'params_key', 'as_of_date'], rows as unknown as Record<string, unknown>[]);
}

/** Inserts or updates `fundamentals` rows by kind, subject, report type, time period and as-of date. */
export function storeFundamentals(store: PostgresStore, rows: readonly FundamentalsRow[]): Promise<number> {
  return store.upsert('fundamentals', ['kind', 'subject', 'report_type', 'time_period', 'as_of_date'], rows as unknown as Record<string, unknown>[]);
}

/** Inserts or updates `corporate_actions` rows by ISIN, type, ex-date and purpose. */
export function storeCorporateActions(store: PostgresStore, rows: readonly CorporateActionRow[]): Promise<number> {
  return store.upsert('corporate_actions', ['isin', 'action_type', 'ex_date', 'purpose'], rows as unknown as Record<string, unknown>[]);
}

/**
 * Inserts or updates `news` rows by id. An article already stored keeps the instrument keys
 * it had and gains the new ones, because separate jobs fetch news for separate instruments.
 */
export async function storeNews(store: PostgresStore, rows: readonly NewsRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await store.query<{ n: string }>(
    `WITH written AS (
       INSERT INTO news (id, title, summary, url, thumbnail_url, published_at, instruments, raw, fetched_at)
       SELECT id, title, summary, url, thumbnail_url, published_at, instruments, raw, fetched_at
         FROM jsonb_populate_recordset(NULL::news, $1::jsonb)
       ON CONFLICT (id) DO UPDATE SET
         title = EXCLUDED.title,
         summary = EXCLUDED.summary,
         url = EXCLUDED.url,
         thumbnail_url = EXCLUDED.thumbnail_url,
         published_at = EXCLUDED.published_at,
         instruments = ARRAY(SELECT DISTINCT k FROM unnest(news.instruments || EXCLUDED.instruments) AS k ORDER BY k),
         raw = EXCLUDED.raw,
         fetched_at = EXCLUDED.fetched_at
       RETURNING 1)
     SELECT count(*) AS n FROM written`,
    [JSON.stringify(rows)],
  );
  return Number(result[0]?.n ?? 0);
}
