import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForWalApplied } from '../../src/stores/questdb/wal.js';
import { createTestContext, type TestContext } from '../support/test-context.js';

// The `feed` command in a child process, streaming from its built-in simulator into the test's
// QuestDB tables, stopped with SIGTERM.

const CHILD = resolve(import.meta.dirname, 'cli-child.ts');
const KEYS = 'NSE_INDEX|Nifty 50,NSE_EQ|INE002A01018';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.cleanup();
});

interface Child {
  readonly output: string[];
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function startChild(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'feed', ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { output, exited, kill: (signal) => child.kill(signal) };
}

async function storedTicks(): Promise<number> {
  const table = `${ctx.config.questdb.tablePrefix}feed_ticks`;
  await waitForWalApplied(ctx.questdb, table);
  return ctx.questdb.scalar(`SELECT count() FROM ${table}`);
}

describe('feed command', () => {
  it('streams until SIGTERM', async () => {
    const child = startChild(['--simulator', '--instruments', KEYS, '--flush-ms', '100'], ctx.env);
    const deadline = Date.now() + 20_000;
    while ((await storedTicks()) < 6) {
      if (Date.now() > deadline) throw new Error(`no ticks stored within 20 s:\n${child.output.join('')}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);

    const lines = child.output.join('').split('\n').filter((line) => line.startsWith('{'));
    const stopped = lines.map((line) => JSON.parse(line) as { msg: string; stats?: Record<string, number> }).find((line) => line.msg === 'feed consumer stopped');
    expect(stopped, child.output.join("")).toBeDefined();
    expect(stopped?.stats?.ticksDropped).toBe(0);
    expect(stopped?.stats?.ticksWritten).toBe(stopped?.stats?.ticks);
    expect(await storedTicks()).toBe(stopped?.stats?.ticksWritten);
  });

  it('needs the migrated tables', async () => {
    const child = startChild(['--simulator', '--instruments', KEYS], { ...ctx.env, QUESTDB_TABLE_PREFIX: `${ctx.config.questdb.tablePrefix}none_` });
    expect(await child.exited).toBe(1);
    expect(child.output.join('')).toContain(`QuestDB has no table ${ctx.config.questdb.tablePrefix}none_feed_ticks`);
    expect(child.output.join('')).toContain('run "upstox-ingest migrate" first');
  });

  it('rejects an invalid key', async () => {
    const child = startChild(['--simulator', '--instruments', 'NSE_EQ:RELIANCE'], ctx.env);
    expect(await child.exited).toBe(1);
    expect(child.output.join('')).toContain('invalid instrument key "NSE_EQ:RELIANCE"');
  });
});
