import { z } from 'zod';
import { AccountValueError, type FetchContext, type SnapshotContext } from '../src/normalise/account-values.js';
import { istDateOf, type IsoDate } from '../src/time/ist.js';
import type { PagedResponse } from '../src/upstox/account.js';
import type { EndpointResponse } from '../src/upstox/endpoint.js';
import { UpstoxSchemaError } from '../src/upstox/errors.js';
import type { SnapshotDeps } from './snapshot-job.js';

// Helpers shared by the account jobs: the snapshot date, turning a rejected value into a
// quarantined body, reading every page of a list, and payload fields.

/** Returns the account and the IST date of a snapshot taken now. */
export function snapshotScope(deps: Pick<SnapshotDeps, 'account' | 'now'>): { account: string; snapshotDate: IsoDate } {
  return { account: deps.account, snapshotDate: istDateOf(deps.now()) };
}

/** Returns the context of a response that has just arrived: the account, and the time as a UTC instant. */
export function fetchContext(deps: Pick<SnapshotDeps, 'account' | 'now'>): FetchContext {
  return { account: deps.account, fetchedAt: new Date(deps.now()).toISOString() };
}

/** Returns the context of a response that belongs to the snapshot of `scope`. */
export function snapshotContext(deps: Pick<SnapshotDeps, 'account' | 'now'>, scope: { snapshotDate: IsoDate }): SnapshotContext {
  return { ...fetchContext(deps), snapshotDate: scope.snapshotDate };
}

/**
 * Runs a normaliser on one response. A value it rejects becomes an UpstoxSchemaError that
 * carries the raw body, so the worker fails the job without retries and keeps the body in
 * quarantine.
 */
export function normaliseResponse<T>(response: EndpointResponse<unknown>, api: string, normalise: () => T): T {
  try {
    return normalise();
  } catch (error) {
    if (!(error instanceof AccountValueError)) throw error;
    throw new UpstoxSchemaError(
      `GET ${response.path} returned a value that the ${api} normaliser rejects: ${error.message}`,
      { api, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200) },
      response.rawBody,
      [error.message],
    );
  }
}

// Far more than any account's list; only a server that ignores page_number gets near it.
const MAX_PAGES = 10_000;

/**
 * Fetches pages from 1 until a short or empty page, or the last page the pagination block
 * names. When the block gives a total, the rows read must add up to it. A different count
 * means the list changed while it was read, so the error makes the job run again.
 */
export async function fetchAllPages<T>(what: string, pageSize: number, fetchPage: (pageNumber: number) => Promise<PagedResponse<T>>): Promise<PagedResponse<T>[]> {
  const pages: PagedResponse<T>[] = [];
  let rows = 0;
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const response = await fetchPage(pageNumber);
    pages.push(response);
    rows += response.data.length;
    const lastPage = response.page?.totalPages;
    if (response.data.length < pageSize || (lastPage !== undefined && pageNumber >= lastPage)) {
      const total = response.page?.totalRecords;
      if (total !== undefined && total !== rows) {
        throw new Error(`${what}: read ${rows} rows in ${pages.length} pages but the last page reports ${total} in all; the list changed while it was read, so the job runs again`);
      }
      return pages;
    }
  }
  throw new Error(`${what}: still full pages after ${MAX_PAGES} pages of ${pageSize}; the server seems to ignore page_number, so the job stops instead of looping`);
}

/** Checks that rows read from several pages have distinct keys; a repeat means the list shifted between pages. */
export function assertNoOverlap<T>(what: string, rows: readonly T[], key: (row: T) => string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const k = key(row);
    if (seen.has(k)) throw new Error(`${what}: ${k} appears on two pages, so the list changed while it was read; the job runs again`);
    seen.add(k);
  }
}

// Order ids are text. `upstox-ingest snapshot --set orderIds=231019025057849` turns one id
// into a JSON number, which is exact up to 2^53; a longer one must be sent as part of a list.
const orderIdText = z.preprocess(
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
  z.string().regex(/^[-a-zA-Z0-9]+$/, 'expected an order id of letters, digits and "-", such as 231019025057849'),
);

function splitOrderIds(value: unknown): unknown {
  if (typeof value === 'string') return value.split(',').map((id) => id.trim()).filter(Boolean);
  if (typeof value === 'number') return [value];
  return value;
}

/** A non-empty list of order ids, deduplicated in order; also one comma-separated string. */
export const orderIdListField = z
  .preprocess(splitOrderIds, z.array(orderIdText).min(1))
  .transform((ids) => [...new Set(ids)]);

/** Builds a job id part from a list of order ids. */
export function orderIdsPart(orderIds: readonly string[] | undefined): string {
  return orderIds === undefined ? 'all' : orderIds.join('.');
}
