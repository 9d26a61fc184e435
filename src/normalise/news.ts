import { createHash } from 'node:crypto';
import type { NewsData, NewsItem } from '../upstox/analytics.js';
import { AnalyticsValueError } from './analytics.js';

// News articles to rows of `news`, one row per article. The API gives articles no id, and
// lists the same article under each instrument it concerns, so a row's id is a hash of the
// article's link and publication time, and its instruments are every key it was listed under.

export interface NewsRow {
  /** The first 32 hex digits of SHA-256 over the link (the heading when there is no link) and `published_time`. */
  readonly id: string;
  readonly title: string | null;
  readonly summary: string | null;
  readonly url: string | null;
  readonly thumbnail_url: string | null;
  readonly published_at: string;
  /** Sorted instrument keys. */
  readonly instruments: string[];
  /** The article as sent, from its first listing. */
  readonly raw: NewsItem;
  readonly fetched_at: string;
}

// `published_time` is typed int64 without a unit. Values below 1e11 are read as seconds:
// 1e11 seconds is the year 5138, while 1e11 ms is 1973, before any article here.
const SECONDS_BELOW = 1e11;
const EARLIEST_MS = Date.UTC(2000, 0, 1);
// Publication times up to a day ahead of the fetch are accepted, for clocks that disagree.
const FUTURE_SLACK_MS = 86_400_000;

/** Returns the publication instant of an article in epoch milliseconds. */
export function publishedMs(item: NewsItem): number {
  return item.published_time < SECONDS_BELOW ? item.published_time * 1000 : item.published_time;
}

/** Returns the stable id of an article. */
export function newsId(item: NewsItem): string {
  const source = item.article_link ?? item.heading ?? '';
  return createHash('sha256').update(`${source}\n${publishedMs(item)}`).digest('hex').slice(0, 32);
}

/**
 * Builds one row per article from one or more pages of `data`, merging the instrument keys of
 * an article listed under several. An article published before 2000 or more than a day after
 * the fetch is rejected, because its timestamp unit or value is wrong.
 */
export function newsRows(pages: readonly NewsData[], fetchedAtMs: number): NewsRow[] {
  const byId = new Map<string, { item: NewsItem; instruments: Set<string> }>();
  for (const page of pages) {
    for (const [instrumentKey, items] of Object.entries(page)) {
      for (const item of items) {
        const ms = publishedMs(item);
        if (ms < EARLIEST_MS || ms > fetchedAtMs + FUTURE_SLACK_MS) {
          throw new AnalyticsValueError(
            `invalid published_time ${item.published_time} for the article ${JSON.stringify(item.heading ?? item.article_link)}: ` +
              `it reads as ${new Date(ms).toISOString()}, outside 2000-01-01 to one day after the fetch`,
          );
        }
        const id = newsId(item);
        const entry = byId.get(id) ?? { item, instruments: new Set<string>() };
        entry.instruments.add(instrumentKey);
        byId.set(id, entry);
      }
    }
  }
  return [...byId].map(([id, { item, instruments }]) => ({
    id,
    title: item.heading ?? null,
    summary: item.summary ?? null,
    url: item.article_link ?? null,
    thumbnail_url: item.thumbnail ?? null,
    published_at: new Date(publishedMs(item)).toISOString(),
    instruments: [...instruments].sort(),
    raw: item,
    fetched_at: new Date(fetchedAtMs).toISOString(),
  }));
}
