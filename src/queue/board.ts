import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import express from 'express';
import type { Redis } from 'ioredis';
import { ingestQueueName, PRIORITY_CLASSES } from './names.js';

export interface RunningBoard {
  readonly url: string;
  readonly queueNames: readonly string[];
  close(): Promise<void>;
}

/**
 * Returns the accounts that have queues in Redis, found by the `meta` key BullMQ keeps per
 * queue. SCAN walks the keyspace in batches, so a large Redis is not blocked.
 */
export async function accountsWithQueues(redis: Redis, prefix: string): Promise<string[]> {
  const accounts = new Set<string>();
  const pattern = /^ingest-(.+)-(live|nightly|backfill)$/;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:ingest-*:meta`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const queue = key.slice(prefix.length + 1, -':meta'.length);
      const account = pattern.exec(queue)?.[1];
      if (account !== undefined) accounts.add(account);
    }
  } while (cursor !== '0');
  return [...accounts].sort();
}

/**
 * Serves Bull Board for the ingest queues of the given accounts: job counts, payloads,
 * failure reasons and logs, with retry and clean buttons unless `readOnly`. Job payloads
 * hold no token, so the board shows none.
 */
export async function startBoard(options: {
  redis: Redis;
  prefix: string;
  accounts: readonly string[];
  host: string;
  port: number;
  readOnly: boolean;
}): Promise<RunningBoard> {
  const queues = options.accounts.flatMap((account) => PRIORITY_CLASSES.map((priority) => new Queue(ingestQueueName(account, priority), { connection: options.redis, prefix: options.prefix })));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/');
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: options.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'upstox-ingest' } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.use('/', serverAdapter.getRouter());
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`,
    queueNames: queues.map((queue) => queue.name),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}

// SCAN MATCH treats * ? [ ] and backslash as special; a prefix may hold any of them.
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
