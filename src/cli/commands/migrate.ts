import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { createLogger } from '../../log/logger.js';
import { migrateAll } from '../context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create the Postgres database if missing and apply pending Postgres and QuestDB migrations')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.logLevel, { command: 'migrate' });
      const applied = await migrateAll(config, log);
      console.log(applied.length > 0 ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'nothing to apply; the schema is current');
    });
}
