import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SAMPLES = resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples');

/** Reads one sample body of vendor/upstox/samples, such as `holdings.json`. */
export function sampleBody(file: string): { status: string; data: unknown; [sibling: string]: unknown } {
  return JSON.parse(readFileSync(resolve(SAMPLES, file), 'utf8')) as { status: string; data: unknown };
}

/** The context every unit test of a normaliser uses. */
export const CONTEXT = { account: 'main', snapshotDate: '2026-03-12', fetchedAt: '2026-03-12T04:30:00.000Z' } as const;
