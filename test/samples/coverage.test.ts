import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SAMPLES = join(ROOT, 'vendor/upstox/samples');

// Margin details is a POST endpoint, which the GET-only client never sends, so its sample has
// nothing to feed; `client/upstox-client.test.ts` shows the POST is refused.
const NOT_FED = new Set(['margin-details.json']);

function testSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testSources(path);
    return name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('sample coverage', () => {
  it('feeds every sample body to at least one test', () => {
    const sources = testSources(join(ROOT, 'test')).join('\n');
    const samples = readdirSync(SAMPLES).filter((name) => name.endsWith('.json') && !NOT_FED.has(name));
    expect(samples.filter((name) => !sources.includes(name))).toEqual([]);
  });
});
