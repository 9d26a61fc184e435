import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { createLogger } from '../../log/logger.js';
import { listSchedulers } from '../../queue/schedulers.js';
import { formatIst } from '../../time/ist.js';
import { startScheduler } from '../../../workers/scheduler.js';
import { openContext } from '../context.js';

export function registerScheduler(program: Command): void {
  program
    .command('scheduler')
    .description('run the scheduler: keep BullMQ job schedulers in line with the schedule file (SCHEDULE_FILE), on start, on change and on SIGHUP')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.logLevel, { process: 'scheduler' });
      const scheduler = await startScheduler(config, log);
      process.on('SIGHUP', () => {
        scheduler.reconcile().catch((error: unknown) => log.error({ err: error }, 'schedule file is invalid; job schedulers left unchanged'));
      });
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await scheduler.close();
    });

  program
    .command('schedules')
    .description('list the job schedulers with their next run in IST')
    .action(async () => {
      const context = openContext(loadConfig());
      try {
        const schedulers = await listSchedulers(context.producer);
        if (schedulers.length === 0) console.log('no job schedulers; start "upstox-ingest scheduler" to create them from the schedule file');
        for (const s of schedulers.sort((a, b) => (a.next ?? 0) - (b.next ?? 0))) {
          const next = s.next === undefined ? 'not scheduled' : formatIst(s.next).replace('T', ' ');
          console.log(`  ${s.id.padEnd(28)} ${s.jobName.padEnd(22)} ${s.priority.padEnd(8)} ${(s.pattern ?? '').padEnd(18)} next ${next} IST`);
        }
      } finally {
        await context.close();
      }
    });
}
