import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { startFeed } from '../../feed/run-feed.js';
import { createLogger } from '../../log/logger.js';
import { FEED_MODES, type FeedMode } from '../../normalise/feed.js';

interface FeedOptions {
  instruments: string;
  mode: FeedMode;
  flushTicks: string;
  flushMs: string;
  simulator?: boolean;
}

/** Registers `feed`: streams the Market Data Feed V3 into QuestDB until SIGTERM or SIGINT. */
export function registerFeed(program: Command): void {
  program
    .command('feed')
    .description('stream live ticks from the Upstox Market Data Feed V3 into the QuestDB table feed_ticks until SIGTERM or SIGINT')
    .requiredOption('--instruments <keys>', 'instrument keys separated by commas, such as "NSE_INDEX|Nifty 50,NSE_EQ|INE002A01018"')
    .addOption(new Option('--mode <mode>', 'the subscription mode').choices(FEED_MODES).default('full'))
    .option('--flush-ticks <n>', 'write to QuestDB once this many ticks wait', '500')
    .option('--flush-ms <ms>', 'write to QuestDB at the latest this many milliseconds after a tick arrived', '1000')
    .option('--simulator', 'stream from a built-in feed simulator on loopback instead of Upstox; needs no token')
    .action(async (options: FeedOptions) => {
      const config = loadConfig();
      const log = createLogger(config.logLevel, { process: 'feed' });
      const feed = await startFeed(
        config,
        {
          instrumentKeys: options.instruments.split(','),
          mode: options.mode,
          flushTicks: wholeNumber(options.flushTicks, '--flush-ticks', 1),
          flushIntervalMs: wholeNumber(options.flushMs, '--flush-ms', 0),
          simulator: options.simulator ?? false,
        },
        log,
      );
      const stop = (signal: string) => {
        log.info({ signal }, 'stopping the feed');
        void feed.stop();
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.once('SIGTERM', onTerm);
      process.once('SIGINT', onInt);
      try {
        const stats = await feed.done;
        // The exit status is 1 when ticks never reached QuestDB.
        if (stats.ticksDropped > 0 || stats.statusesDropped > 0) process.exitCode = 1;
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
      }
    });
}

function wholeNumber(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${JSON.stringify(value)} is invalid: expected a whole number of ${min} or more`);
  return n;
}
