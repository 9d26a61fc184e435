import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { newsRows } from '../src/normalise/news.js';
import { storeNews } from '../src/stores/postgres/analytics.js';
import type { NewsData } from '../src/upstox/analytics.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import type { EndpointResponse } from '../src/upstox/endpoint.js';
import { listPart, normaliseResponse } from './analytics-common.js';
import type { JobSummary } from './job-summary.js';
import { instrumentKeyListField } from './payload-fields.js';
import type { SnapshotDeps, SnapshotJobDefinition } from './snapshot-job.js';

// Upstox accepts at most 30 instrument keys per news request (UDAPI1193) and 100 pages.
const MAX_NEWS_KEYS = 30;

const payloadSchema = z
  .object({
    category: z.enum(['instrument_keys', 'positions', 'holdings']).default('instrument_keys'),
    instrumentKeys: instrumentKeyListField.pipe(z.array(z.string()).max(MAX_NEWS_KEYS, `at most ${MAX_NEWS_KEYS} instrument keys per news job; split the list`)).optional(),
    pageSize: z.coerce.number().int().min(1).max(100).default(100),
    /** Pages fetched at most; the rest are left for the next run. */
    maxPages: z.coerce.number().int().min(1).max(100).default(5),
  })
  .superRefine((payload, context) => {
    if (payload.category === 'instrument_keys' && payload.instrumentKeys === undefined) {
      context.addIssue({ code: 'custom', path: ['instrumentKeys'], message: 'instrumentKeys is required for category instrument_keys, such as NSE_EQ|INE002A01018' });
    }
  });

export type NewsPayload = z.infer<typeof payloadSchema>;

/**
 * Fetches pages until the last one (from `metadata.page.total_pages`, or a short page when
 * the body has no metadata) or `maxPages`, then stores every article once.
 */
async function runNews(payload: NewsPayload, deps: SnapshotDeps): Promise<JobSummary> {
  const fetchedAt = deps.now();
  const instrumentKeys = payload.category === 'instrument_keys' ? payload.instrumentKeys : undefined;
  const pages: NewsData[] = [];
  let last: EndpointResponse<NewsData> | undefined;
  let totalPages: number | undefined;
  for (let pageNumber = 1; pageNumber <= payload.maxPages; pageNumber++) {
    const response = await deps.api.news({ category: payload.category, instrumentKeys, pageNumber, pageSize: payload.pageSize });
    last = response;
    pages.push(response.data);
    totalPages = response.metadata?.page?.total_pages ?? undefined;
    const items = Object.values(response.data).reduce((sum, list) => sum + list.length, 0);
    const more = totalPages === undefined ? items >= payload.pageSize : pageNumber < totalPages;
    if (!more) break;
  }
  const rows = normaliseResponse(last!, UPSTOX_APIS.news, () => newsRows(pages, fetchedAt));
  const rowsWritten = await storeNews(deps.postgres, rows);
  const detail = totalPages !== undefined && totalPages > pages.length ? `fetched ${pages.length} of ${totalPages} pages; raise maxPages for the rest` : undefined;
  return { requestsMade: pages.length, rowsWritten, state: 'done', ...(detail ? { detail } : {}) };
}

/** Fetches news articles for instruments, or for the account's positions or holdings, into `news`. */
export const newsJob: SnapshotJobDefinition<NewsPayload> = {
  name: 'news',
  description: 'news articles for up to 30 instruments, or for the positions or holdings, into news',
  payloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('news', account, payload.category, listPart(payload.instrumentKeys ?? []), payload.pageSize, payload.maxPages),
  run: runNews,
};
