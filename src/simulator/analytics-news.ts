import { istInstant, istToday } from '../time/ist.js';
import { hashText } from './random.js';

// Composed bodies of `GET /v2/news`, with the fields of the OpenAPI document's `NewsItemData`
// and `NewsResponseMetaData`. The document keys `data` by a string without saying what it
// is; the simulator keys it by instrument key. `published_time` is typed int64 without a
// unit; the simulator sends epoch milliseconds, as Upstox's other epoch fields are.
// Articles are dated relative to the simulator's clock, so a request repeated on the same
// IST day returns the same bytes.

const HEADLINES = [
  'posts quarterly results ahead of estimates',
  'board to consider fund raising next week',
  'shares trade higher on heavy volumes',
  'gets order worth several hundred crore',
  'brokerages raise target price after investor meet',
  'announces record date for dividend',
];

// One market-wide story appears under every instrument of a request, so clients see the
// same article under several keys.
const MARKET_STORY = { heading: 'Sensex and Nifty end higher as banks and IT gain', slug: 'markets-close-higher' };

interface Entry {
  readonly key: string;
  readonly item: Record<string, unknown>;
  readonly publishedMs: number;
}

/** Returns the news `data` and `metadata` for a page of articles about `keys`. */
export function newsPage(keys: readonly string[], pageNumber: number, pageSize: number, nowMs: number): { data: Record<string, unknown[]>; metadata: Record<string, unknown> } {
  const today = istToday(nowMs);
  // Stories are stamped from 07:00 IST of the current day backwards, so none lies in the future of a morning run.
  const newest = istInstant(today, 7 * 60);
  const entries: Entry[] = [];
  for (const key of keys) {
    const count = 2 + (hashText(`${key}|${today}|count`) % 4);
    for (let i = 0; i < count; i++) {
      const seed = hashText(`${key}|${today}|${i}`);
      const publishedMs = newest - (i + 1) * 5 * 3_600_000 - (seed % 3_600) * 1000;
      const name = key.split('|')[1] ?? key;
      entries.push({ key, publishedMs, item: article(`${name} ${HEADLINES[seed % HEADLINES.length]!}`, `${slug(name)}-${seed.toString(36)}`, seed, publishedMs) });
    }
    const marketSeed = hashText(`${today}|market`);
    entries.push({ key, publishedMs: newest, item: article(MARKET_STORY.heading, `${MARKET_STORY.slug}-${today}`, marketSeed, newest) });
  }
  // Newest first; articles of the same instant in key order, so pages are stable.
  entries.sort((a, b) => b.publishedMs - a.publishedMs || compareText(a.key, b.key));

  const page = entries.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const data: Record<string, unknown[]> = {};
  for (const entry of page) (data[entry.key] ??= []).push(entry.item);
  const totalPages = Math.max(1, Math.ceil(entries.length / pageSize));
  return { data, metadata: { page: { page_number: pageNumber, page_size: pageSize, total_records: entries.length, total_pages: totalPages } } };
}

function article(heading: string, path: string, seed: number, publishedMs: number): Record<string, unknown> {
  return {
    heading,
    summary: `${heading}. Composed by the Upstox simulator; not a real article.`,
    thumbnail: `https://news.example.com/images/${(seed % 100_000).toString(36)}.jpg`,
    article_link: `https://news.example.com/markets/${path}`,
    published_time: publishedMs,
  };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
