import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsWithQueues, startBoard, type RunningBoard } from '../../src/queue/board.js';
import { JobProducer } from '../../src/queue/producer.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// Bull Board over the real queues in Redis: the accounts are found from the keys, and the
// board's API reports the job that waits in one of them.

let ctx: TestContext;
const producers: JobProducer[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ['alpha', 'beta']) {
    const producer = new JobProducer(ctx.redis, ctx.config.redis.queuePrefix, account, 2);
    producers.push(producer);
  }
  await producers[0]!.enqueue([{ jobId: 'market-status:alpha:all', name: 'market-status', data: { exchanges: ['NSE'] } }], 'nightly');
  await producers[1]!.pause();
});
afterAll(async () => {
  for (const producer of producers) await producer.close();
  await ctx.cleanup();
});

interface QueuesResponse {
  queues: { name: string; readOnlyMode: boolean; counts: Record<string, number>; jobs: { id: string; name: string; data: unknown }[] }[];
}

describe('queue board', () => {
  it('finds each account with queues in Redis', async () => {
    expect(await accountsWithQueues(ctx.redis, ctx.config.redis.queuePrefix)).toEqual(['alpha', 'beta']);
  });

  describe('served', () => {
    let board: RunningBoard;
    beforeAll(async () => {
      board = await startBoard({ redis: ctx.redis, prefix: ctx.config.redis.queuePrefix, accounts: ['alpha', 'beta'], host: '127.0.0.1', port: 0, readOnly: true });
    });
    afterAll(async () => board.close());

    it('shows six queues and the waiting job', async () => {
      const response = await fetch(new URL('api/queues?activeQueue=ingest-alpha-nightly&status=waiting&page=1', board.url));
      const body = (await response.json()) as QueuesResponse;
      const nightly = body.queues.find((q) => q.name === 'ingest-alpha-nightly');
      expect({
        status: response.status,
        names: body.queues.map((q) => q.name).sort(),
        readOnly: body.queues.every((q) => q.readOnlyMode),
        waiting: nightly?.counts.waiting,
        jobs: nightly?.jobs.map((j) => [j.id, j.name, j.data]),
      }).toEqual({
        status: 200,
        names: ['ingest-alpha-backfill', 'ingest-alpha-live', 'ingest-alpha-nightly', 'ingest-beta-backfill', 'ingest-beta-live', 'ingest-beta-nightly'],
        readOnly: true,
        waiting: 1,
        jobs: [['market-status:alpha:all', 'market-status', { exchanges: ['NSE'] }]],
      });
    });

    it('serves the page on loopback', async () => {
      const response = await fetch(board.url);
      expect([response.status, response.headers.get('content-type'), new URL(board.url).hostname]).toEqual([200, 'text/html; charset=utf-8', '127.0.0.1']);
    });
  });
});
