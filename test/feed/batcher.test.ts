import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowBatcher, type BatcherOptions } from '../../src/feed/batcher.js';
import type { FeedTickRow } from '../../src/normalise/feed.js';
import { FEED_TICKS_TABLE } from '../../src/stores/questdb/feed-table.js';
import { QuestDbRowWriter } from '../../src/stores/questdb/row-writer.js';
import { SenderPool } from '../../src/stores/questdb/sender-pool.js';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { createTestContext, type TestContext } from '../support/test-context.js';
import { captureLogger } from './log-capture.js';
import { QuestDbRelay } from './questdb-relay.js';
import { tick } from './samples.js';

// The tick batcher writing to the real QuestDB through a relay that the tests cut to cause an
// outage: when batches go out, how a failed write is retried, and what is dropped and counted.

const BASE_MS = Date.parse('2025-02-27T04:40:51Z');

let ctx: TestContext;
let relay: QuestDbRelay;
let senders: SenderPool;
let writer: QuestDbRowWriter;

beforeAll(async () => {
  ctx = await createTestContext();
  relay = new QuestDbRelay(ctx.config.questdb.httpUrl);
  await relay.start();
  // The ILP client retries a failed request until retryTimeoutMs has passed; short here, so an outage fails fast.
  senders = new SenderPool({ httpUrl: relay.url, retryTimeoutMs: 300, requestTimeoutMs: 2_000 });
  writer = new QuestDbRowWriter({ http: ctx.questdb, senders, tablePrefix: ctx.config.questdb.tablePrefix });
});
afterAll(async () => {
  await senders?.close();
  await relay?.stop();
  await ctx?.cleanup();
});

function rows(key: string, count: number): FeedTickRow[] {
  return Array.from({ length: count }, (_, i) =>
    tick({ tsMs: BASE_MS + i * 1000, receivedMs: BASE_MS + i * 1000 + 300, instrumentKey: key, mode: 'ltpc', frameType: 'live_feed', ltp: 100 + i }),
  );
}

function batcher(options: Partial<BatcherOptions<FeedTickRow>> & { log?: BatcherOptions<FeedTickRow>['log'] } = {}): RowBatcher<FeedTickRow> {
  return new RowBatcher({ label: 'feed_ticks', log: captureLogger().log, write: (batch) => writer.write(FEED_TICKS_TABLE, batch), ...options });
}

async function stored(key: string): Promise<number> {
  const table = `${ctx.config.questdb.tablePrefix}feed_ticks`;
  await waitForWalApplied(ctx.questdb, table);
  return ctx.questdb.scalar(`SELECT count() FROM ${table} WHERE instrument_key = '${key}'`);
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('row batcher', () => {
  it('writes a full batch at once', async () => {
    const b = batcher({ maxRows: 3, maxDelayMs: 60_000 });
    b.add(rows('NSE_FO|101', 3));
    await until(() => b.stats().written === 3);
    expect(await stored('NSE_FO|101')).toBe(3);
    await b.close();
  });

  it('writes after the delay', async () => {
    const b = batcher({ maxRows: 100, maxDelayMs: 50 });
    b.add(rows('NSE_FO|102', 2));
    expect(b.stats().waiting).toBe(2);
    await until(() => b.stats().written === 2);
    expect(await stored('NSE_FO|102')).toBe(2);
    await b.close();
  });

  it('writes the rest on close', async () => {
    const b = batcher({ maxRows: 100, maxDelayMs: 60_000 });
    b.add(rows('NSE_FO|103', 4));
    await b.close();
    expect(b.stats()).toEqual({ written: 4, dropped: 0, failedAttempts: 0, waiting: 0 });
    expect(await stored('NSE_FO|103')).toBe(4);
  });

  it('retries through an outage', async () => {
    const b = batcher({ maxRows: 2, retryDelaysMs: [300, 300, 300, 300] });
    relay.cut();
    try {
      b.add(rows('NSE_FO|104', 2));
      await until(() => b.stats().failedAttempts >= 1);
    } finally {
      relay.resume();
    }
    await until(() => b.stats().written === 2);
    expect(b.stats().dropped).toBe(0);
    expect(await stored('NSE_FO|104')).toBe(2);
    await b.close();
  });

  it('drops after the last attempt', async () => {
    const capture = captureLogger();
    const b = batcher({ maxRows: 2, retryDelaysMs: [20, 20], log: capture.log });
    relay.cut();
    try {
      b.add(rows('NSE_FO|105', 2));
      await until(() => b.stats().dropped === 2);
    } finally {
      relay.resume();
    }
    expect(b.stats()).toEqual({ written: 0, dropped: 2, failedAttempts: 3, waiting: 0 });
    expect(capture.text()).toContain('dropped 2 rows for feed_ticks after 3 failed writes; check that QuestDB is running');
    expect(await stored('NSE_FO|105')).toBe(0);
    await b.close();
  });

  it('drops the oldest beyond the cap', async () => {
    const b = batcher({ maxRows: 5, maxBufferedRows: 5, retryDelaysMs: [60_000] });
    relay.cut();
    try {
      b.add(rows('NSE_FO|106', 5));
      await until(() => b.stats().failedAttempts === 1);
      b.add(rows('NSE_FO|107', 7));
      expect(b.stats()).toEqual({ written: 0, dropped: 2, failedAttempts: 1, waiting: 5 });
      // Closing cuts the pause short and gives each batch one more attempt.
      await b.close();
    } finally {
      relay.resume();
    }
    expect(b.stats()).toEqual({ written: 0, dropped: 12, failedAttempts: 4, waiting: 0 });
  });
});
