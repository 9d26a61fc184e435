import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { accountsWithQueues, startBoard } from '../../queue/board.js';
import { createRedis } from '../../queue/redis.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

export function registerBoard(program: Command): void {
  program
    .command('board')
    .description('serve Bull Board, a web page of the ingest queues: counts, payloads, failure reasons, retry and clean')
    .option('--host <host>', 'interface to listen on; keep it on loopback, the page has no login', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 3000)
    .option('--account <name...>', 'accounts whose queues to show (default: every account with queues in Redis, else UPSTOX_ACCOUNT)')
    .option('--read-only', 'hide the retry, promote, clean and remove buttons')
    .action(async (options: { host: string; port: number; account?: string[]; readOnly?: boolean }) => {
      const config = loadConfig();
      const redis = createRedis(config.redis.url, 'upstox-ingest board');
      try {
        const found = await accountsWithQueues(redis, config.redis.queuePrefix);
        const accounts = options.account ?? (found.length > 0 ? found : [config.upstox.account]);
        const board = await startBoard({ redis, prefix: config.redis.queuePrefix, accounts, host: options.host, port: options.port, readOnly: options.readOnly ?? false });
        console.log(`Bull Board for ${accounts.join(', ')} at ${board.url} (Ctrl-C stops it)`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        await board.close();
      } finally {
        redis.disconnect();
      }
    });
}
