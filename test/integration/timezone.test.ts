import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = resolve(import.meta.dirname, '..', 'support', 'timezone-probe.ts');

async function probe(tz: string): Promise<{ summary: unknown; rows: unknown[][]; plan: string[]; coverage: unknown[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE], { env: { ...process.env, TZ: tz }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('host time zone', () => {
  it('stores identical rows under UTC, Asia/Kolkata and America/New_York', async () => {
    const [utc, kolkata, newYork] = await Promise.all([probe('UTC'), probe('Asia/Kolkata'), probe('America/New_York')]);
    expect(utc.rows).toEqual([
      ['2024-03-26T18:30:00.000000Z', '2024-03-27T00:00:00.000Z', 990.0, 1004.0, 988.1, 1003.0, 1100000],
      ['2024-03-27T18:30:00.000000Z', '2024-03-28T00:00:00.000Z', 1003.5, 1010.0, 995.2, 1008.4, 1234567],
    ]);
    expect(kolkata).toEqual(utc);
    expect(newYork).toEqual(utc);
  }, 120_000);
});
