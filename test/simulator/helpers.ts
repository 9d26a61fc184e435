import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/server.js';

export const TOKEN = 'sim-token';

/** 2026-03-02 12:00 IST, a Monday: every date the tests ask the historical endpoint for has closed. */
export const FIXED_NOW = Date.parse('2026-03-02T12:00:00+05:30');

export const DATA_DIR = fileURLToPath(new URL('../../data/recorded/', import.meta.url));

export type Row = [string, number, number, number, number, number, number];

// Test files send many requests per second, so only the rate-window tests use Upstox's limits.
const UNLIMITED = { perSecond: 100_000, perMinute: 100_000, perHalfHour: 100_000 };

/** Starts a simulator on an ephemeral loopback port with a fixed clock and no practical rate limit. */
export function startTestSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ tokens: { [TOKEN]: 'default' }, now: () => FIXED_NOW, rateLimits: UNLIMITED, ...overrides });
}

export interface FetchedBody {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

/** Sends a request with the test token (or `token`, or none when null) and returns the raw response. */
export async function fetchPath(sim: RunningSimulator, path: string, token: string | null = TOKEN, method = 'GET'): Promise<FetchedBody> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(sim.url + path, { method, headers });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Fetches a candle path and returns its rows, failing on anything but a 200 success body. */
export async function fetchCandles(sim: RunningSimulator, path: string): Promise<Row[]> {
  const response = await fetchPath(sim, path);
  if (response.status !== 200) throw new Error(`GET ${path} returned HTTP ${response.status}: ${response.text.slice(0, 300)}`);
  return (JSON.parse(response.text) as { data: { candles: Row[] } }).data.candles;
}

/** Returns the path of a historical request; `instrumentKey` is encoded once, as clients must. */
export function historicalPath(instrumentKey: string, unit: string, interval: number | string, toDate: string, fromDate?: string): string {
  const tail = fromDate === undefined ? '' : `/${fromDate}`;
  return `/v3/historical-candle/${encodeURIComponent(instrumentKey)}/${unit}/${interval}/${toDate}${tail}`;
}

/** Returns the path of an intraday request. */
export function intradayPath(instrumentKey: string, unit: string, interval: number | string): string {
  return `/v3/historical-candle/intraday/${encodeURIComponent(instrumentKey)}/${unit}/${interval}`;
}

/** Merges rows given oldest first into one row stamped `stamp`, as Upstox aggregates candles. */
export function mergeRows(rows: readonly Row[], stamp: string): Row {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) throw new Error('mergeRows needs at least one row');
  return [
    stamp,
    first[1],
    Math.max(...rows.map((r) => r[2])),
    Math.min(...rows.map((r) => r[3])),
    last[4],
    rows.reduce((sum, r) => sum + r[5], 0),
    last[6],
  ];
}

/** Reads a recorded CSV file into rows `[timestamp, o, h, l, c, volume, 0]` per instrument key, oldest first. */
export function readRecordedCsv(file: string): Map<string, Row[]> {
  const lines = readFileSync(DATA_DIR + file, 'utf8').trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const at = (name: string): number => header.indexOf(name);
  const byKey = new Map<string, Row[]>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const key = cells[at('instrument_key')] ?? '';
    const row: Row = [
      cells[at('timestamp')] ?? '',
      Number(cells[at('open')]),
      Number(cells[at('high')]),
      Number(cells[at('low')]),
      Number(cells[at('close')]),
      Number(cells[at('volume')]),
      0,
    ];
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  return byKey;
}

/** Reads the recorded INFY 1-minute candles of 2025-02-07, newest first as recorded. */
export function readInfyMinutes(): Row[] {
  const body = JSON.parse(readFileSync(DATA_DIR + 'upstox-v2-historical-candle-1minute-INFY-2025-02-07.json', 'utf8')) as { data: { candles: Row[] } };
  return body.data.candles;
}

export const INFY = 'NSE_EQ|INE009A01021';
export const RELIANCE = 'NSE_EQ|INE002A01018';
export const HDFCBANK = 'NSE_EQ|INE040A01034';
