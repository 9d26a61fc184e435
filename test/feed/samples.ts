import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FeedResponseJson } from '../../src/feed/decode.js';
import type { FeedTickRow } from '../../src/normalise/feed.js';

// The feed samples, the recorded real frames, and a blank tick row for building expected rows.

export const SAMPLES = resolve(import.meta.dirname, '..', '..', 'vendor', 'upstox', 'samples');
export const DATA_DIR = resolve(import.meta.dirname, '..', '..', 'data', 'recorded');
export const RECORDED_FILE = 'upstox-v3-market-feed-index-full-NIFTY50-BANKNIFTY-2025-02-27.json';

export const FEED_SAMPLES = [
  'market-data-feed-v3-full-initial.json',
  'market-data-feed-v3-full.json',
  'market-data-feed-v3-index-full.json',
  'market-data-feed-v3-ltpc.json',
  'market-data-feed-v3-market-info.json',
  'market-data-feed-v3-option-greeks.json',
] as const;

/** Reads one decoded sample frame. */
export function sampleFrame(name: string): FeedResponseJson {
  return JSON.parse(readFileSync(resolve(SAMPLES, name), 'utf8')) as FeedResponseJson;
}

/** Reads the four recorded frames. */
export function recordedFrames(): FeedResponseJson[] {
  return JSON.parse(readFileSync(resolve(DATA_DIR, RECORDED_FILE), 'utf8')) as FeedResponseJson[];
}

const BLANK = {
  ltp: null,
  ltq: null,
  cp: null,
  bidPrice: null,
  bidQty: null,
  askPrice: null,
  askQty: null,
  volume: null,
  oi: null,
  iv: null,
  totalBuyQty: null,
  totalSellQty: null,
  atp: null,
  dayOpen: null,
  dayHigh: null,
  dayLow: null,
  dayClose: null,
  dayVolume: null,
  delta: null,
  theta: null,
  gamma: null,
  vega: null,
  rho: null,
} as const;

/** Builds an expected tick row: every value not given is null. */
export function tick(fields: Pick<FeedTickRow, 'tsMs' | 'receivedMs' | 'instrumentKey' | 'mode' | 'frameType'> & Partial<FeedTickRow>): FeedTickRow {
  return { ...BLANK, ...fields };
}
