#!/usr/bin/env node
// Runs the compiled CLI. From a source checkout without a build, use `npm run cli -- <command>`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('upstox-ingest is not built yet: run "npm run build", or run "npm run cli -- <command>" from the checkout');
  process.exit(1);
}
await import(entry);
