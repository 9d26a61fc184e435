#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, loadDotEnv } from '../config/env.js';
import { registerBackfill } from './commands/backfill.js';
import { registerBoard } from './commands/board.js';
import { registerBudget } from './commands/budget.js';
import { registerDemo } from './commands/demo.js';
import { registerFeed } from './commands/feed.js';
import { registerMigrate } from './commands/migrate.js';
import { registerReport } from './commands/report.js';
import { registerScheduler } from './commands/scheduler.js';
import { registerSim } from './commands/sim.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerStatus } from './commands/status.js';
import { registerWorker } from './commands/worker.js';

// A reader that closed early (`status | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

loadDotEnv();

const program = new Command()
  .name('upstox-ingest')
  .description('Ingest Upstox market and account data into QuestDB and Postgres')
  .showHelpAfterError()
  .exitOverride();

registerMigrate(program);
registerWorker(program);
registerBackfill(program);
registerSnapshot(program);
registerFeed(program);
registerScheduler(program);
registerReport(program);
registerStatus(program);
registerBudget(program);
registerBoard(program);
registerSim(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(`upstox-ingest: ${(error as Error).message ?? String(error)}${migrateHint(error)}`);
    process.exitCode = 1;
  }
}

/**
 * Returns a hint for Postgres errors that mean the schema is not there yet: 3D000 (no such
 * database) and 42P01 (no such table).
 */
function migrateHint(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return code === '3D000' || code === '42P01' ? '; run "upstox-ingest migrate" to create the database and its tables' : '';
}
