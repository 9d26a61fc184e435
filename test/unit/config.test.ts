import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, loadDotEnv, tokenProvider, VARIABLES } from '../../src/config/env.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as ConfigError).problems as string[];
  }
  return [];
}

describe('configuration', () => {
  it('applies the defaults', () => {
    const config = loadConfig({});
    expect([config.upstox.baseUrl, config.worker.concurrency, config.rateBudget.limits]).toEqual(['https://api.upstox.com', 4, { perSecond: 50, perMinute: 500, perHalfHour: 2000 }]);
  });

  it('names the variable, the value and an example', () => {
    expect(problems({ WORKER_CONCURRENCY: 'abc' })).toEqual(['WORKER_CONCURRENCY="abc" is invalid: must be a whole number; for example WORKER_CONCURRENCY=4']);
  });

  it('reports every invalid variable at once', () => {
    expect(problems({ WORKER_CONCURRENCY: '0', REDIS_URL: 'http://x', RATE_RESERVE_LIVE: '0.9' })).toHaveLength(3);
  });

  it('hides a secret value in the message', () => {
    expect(problems({ DATABASE_URL: 'mysql://user:secret@host/db' })[0]).toMatch(/^DATABASE_URL=\(hidden\) is invalid/);
  });

  it('refuses both token variables at once', () => {
    expect(problems({ UPSTOX_ACCESS_TOKEN: 'a', UPSTOX_ACCESS_TOKEN_FILE: '/nonexistent' })).toEqual(['UPSTOX_ACCESS_TOKEN and UPSTOX_ACCESS_TOKEN_FILE are both set; set only one of them']);
  });

  it('explains an unreadable token file', () => {
    expect(problems({ UPSTOX_ACCESS_TOKEN_FILE: '/nonexistent/token' })[0]).toMatch(/cannot be read \(ENOENT\)/);
  });

  it('never prints the token', () => {
    const config = loadConfig({ UPSTOX_ACCESS_TOKEN: 'tok-3f9a' });
    expect(JSON.stringify(describeConfig(config))).not.toContain('tok-3f9a');
  });

  it('freezes the configuration', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.rateBudget.limits)).toBe(true);
  });

  it('reads a replaced token file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const current = tokenProvider(loadConfig({ UPSTOX_ACCESS_TOKEN_FILE: file }));
    const before = current();
    writeFileSync(file, 'second-token\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect([before, current()]).toEqual(['first-token', 'second-token']);
  });

  it('keeps the old token while the file is empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const current = tokenProvider(loadConfig({ UPSTOX_ACCESS_TOKEN_FILE: file }));
    writeFileSync(file, '');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(current()).toBe('first-token');
  });

  it('loads .env without overriding set variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'UPSTOX_TEST_FROM_FILE=file\nUPSTOX_TEST_ALREADY_SET=file\n');
    process.env.UPSTOX_TEST_ALREADY_SET = 'shell';
    loadDotEnv(file);
    expect([process.env.UPSTOX_TEST_FROM_FILE, process.env.UPSTOX_TEST_ALREADY_SET]).toEqual(['file', 'shell']);
  });
});

describe('variable documentation', () => {
  const root = new URL('../../', import.meta.url);
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = readFileSync(new URL('.env.example', root), 'utf8');

  it('lists every variable in the README table and in .env.example', () => {
    const names = Object.keys(VARIABLES);
    const missing = names.filter((name) => !readme.includes(`| \`${name}\` |`) || !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
