import type { Command } from 'commander';
import { describeConfig, loadConfig, requireToken } from '../../config/env.js';
import { createLogger } from '../../log/logger.js';
import { startIngestWorker } from '../../../workers/ingest-worker.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run an ingest worker until SIGTERM or SIGINT; run as many as you like against one Redis')
    .action(async () => {
      const config = loadConfig();
      requireToken(config);
      const log = createLogger(config.logLevel, { process: 'worker' });
      log.info({ config: describeConfig(config) }, 'configuration');
      const running = await startIngestWorker(config, log);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'stopping: finishing running jobs');
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await running.close();
    });
}
