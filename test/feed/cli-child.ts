import { Command, CommanderError } from 'commander';
import { registerFeed } from '../../src/cli/commands/feed.js';

// Runs the `feed` command in a child process as src/cli/main.ts would, for the CLI test.
const program = new Command().name('upstox-ingest').exitOverride();
registerFeed(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) console.error(`upstox-ingest: ${(error as Error).message}`);
  process.exitCode = error instanceof CommanderError ? error.exitCode : 1;
}
