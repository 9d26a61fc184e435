import type { Bar, MinuteBar } from './aggregation.js';
import { toTick, type PriceGrid } from './price-grid.js';
import { createRandom, hashText, normalFrom } from './random.js';

// One-minute bars built to fit given anchor bars exactly. An anchor is a coarser bar (a whole
// day, or a recorded 15-minute bar) whose open, high, low, close, volume and open interest
// are known. The minutes under it are a Brownian bridge from its open to its close, stretched
// so that their extremes reach its high and low, with its volume spread over a U-shaped
// intraday profile. Aggregating the minutes therefore gives back the anchor bar unchanged.

/** An anchor bar and the IST minutes (one bar each) that it covers. */
export interface AnchorSpan {
  readonly minutes: readonly number[];
  readonly bar: Bar;
  /** Open interest before the span's first minute; the span ends at `bar.oi`. */
  readonly oiBefore: number;
}

/**
 * Builds the one-minute bars of one day from its anchor spans, in time order. `seed` fixes the
 * path (use the instrument key and date), so the same anchors always give the same minutes.
 */
export function buildMinuteBars(seed: string, spans: readonly AnchorSpan[], grid: PriceGrid): MinuteBar[] {
  const random = createRandom(hashText(`${seed}|minutes`));
  const total = spans.reduce((sum, span) => sum + span.minutes.length, 0);
  const bars: MinuteBar[] = [];
  for (const span of spans) {
    if (span.minutes.length === 0) continue;
    const positions = span.minutes.map((_, i) => (bars.length + i + 0.5) / total);
    bars.push(...spanBars(random, span, grid, positions));
  }
  return bars;
}

interface RawBar {
  open: number;
  high: number;
  low: number;
  close: number;
}

function spanBars(random: () => number, span: AnchorSpan, grid: PriceGrid, positions: readonly number[]): MinuteBar[] {
  const anchor = span.bar;
  const count = span.minutes.length;
  const prices = fitToAnchor(bridgeBars(random, anchor, count), anchor, grid);
  const volumes = spreadVolume(random, anchor.volume, positions);
  const ois = openInterestPath(random, span.oiBefore, anchor.oi, count);
  return prices.map((p, i) => ({ minute: span.minutes[i] ?? 0, ...p, volume: volumes[i] ?? 0, oi: ois[i] ?? 0 }));
}

// A random walk pinned to the anchor's open at the start and its close at the end, with small
// wicks on each minute. Two smooth bumps at random minutes push the walk towards the anchor's
// high and low, so the stretch in fitToAnchor stays near 1 and no single wick has to carry a
// whole day's range.
function bridgeBars(random: () => number, anchor: Bar, count: number): RawBar[] {
  const step = ((anchor.high - anchor.low) / Math.sqrt(count)) * 0.3;
  const walk = [0];
  for (let i = 1; i <= count; i++) walk.push((walk[i - 1] ?? 0) + normalFrom(random) * step);
  const end = walk[count] ?? 0;
  const line = (i: number): number => anchor.open + ((anchor.close - anchor.open) * i) / count;
  // One bump in the first 40% of the span and one in the last 40%, so they cannot cancel out.
  const early = count * (0.08 + 0.32 * random());
  const late = count * (0.6 + 0.32 * random());
  const [highAt, lowAt] = random() < 0.5 ? [early, late] : [late, early];
  const width = Math.max(1, count / 10);
  // The sine envelope is 0 at both ends, so the bumps never move the pinned open and close.
  // Dividing by its value at the centre lets each bump reach its full height there.
  const envelope = (i: number): number => Math.sin((Math.PI * i) / count);
  const bump = (i: number, centre: number): number => (Math.exp(-(((i - centre) / width) ** 2)) * envelope(i)) / envelope(centre);
  const upward = anchor.high - line(highAt);
  const downward = line(lowAt) - anchor.low;
  const point = (i: number): number =>
    line(i) + (walk[i] ?? 0) - (end * i) / count + upward * bump(i, highAt) - downward * bump(i, lowAt);
  const raw: RawBar[] = [];
  for (let i = 0; i < count; i++) {
    const open = point(i);
    const close = point(i + 1);
    const high = Math.max(open, close) + Math.abs(normalFrom(random)) * step * 0.4;
    const low = Math.min(open, close) - Math.abs(normalFrom(random)) * step * 0.4;
    raw.push({ open, high, low, close });
  }
  return raw;
}

/**
 * Maps the raw path onto the anchor. Prices above max(open, close) are scaled so the highest
 * reaches the anchor's high, and prices below min(open, close) so the lowest reaches its low.
 * The map is monotonic, so every bar keeps low ≤ open, close ≤ high. Rounding to the tick and
 * clamping into the anchor's range keep that order too.
 */
function fitToAnchor(raw: readonly RawBar[], anchor: Bar, grid: PriceGrid): RawBar[] {
  const top = Math.max(anchor.open, anchor.close);
  const bottom = Math.min(anchor.open, anchor.close);
  let maxIndex = 0;
  let minIndex = 0;
  raw.forEach((bar, i) => {
    if (bar.high > (raw[maxIndex]?.high ?? -Infinity)) maxIndex = i;
    if (bar.low < (raw[minIndex]?.low ?? Infinity)) minIndex = i;
  });
  const rawMax = raw[maxIndex]?.high ?? top;
  const rawMin = raw[minIndex]?.low ?? bottom;
  const map = (x: number): number => {
    if (x > top) return rawMax > top ? top + ((x - top) * (anchor.high - top)) / (rawMax - top) : top;
    if (x < bottom) return rawMin < bottom ? bottom - ((bottom - x) * (bottom - anchor.low)) / (bottom - rawMin) : bottom;
    return x;
  };
  const clamp = (x: number): number => Math.min(anchor.high, Math.max(anchor.low, x));

  const fitted = raw.map((bar) => {
    const open = clamp(toTick(map(bar.open), grid));
    const close = clamp(toTick(map(bar.close), grid));
    return { open, close, high: clamp(toTick(map(bar.high), grid, 'up')), low: clamp(toTick(map(bar.low), grid, 'down')) };
  });
  const first = fitted[0];
  const last = fitted[fitted.length - 1];
  if (first) first.open = anchor.open;
  if (last) last.close = anchor.close;
  for (const bar of fitted) {
    bar.high = Math.max(bar.high, bar.open, bar.close);
    bar.low = Math.min(bar.low, bar.open, bar.close);
  }
  // Recorded anchors may lie off the current tick, so the extremes are set to the anchor's
  // own values rather than to a rounded copy.
  const highest = fitted[maxIndex];
  const lowest = fitted[minIndex];
  if (highest) highest.high = anchor.high;
  if (lowest) lowest.low = anchor.low;
  return fitted;
}

// Trading is heaviest at the open, lightest at midday and picks up into the close.
function intradayWeight(position: number): number {
  return 0.6 + 2.4 * (2 * position - 1) ** 4 + 2 * Math.exp(-position * 25) + 0.8 * Math.exp(-(1 - position) * 25);
}

/** Splits an integer volume over the minutes so that the parts are integers summing to it exactly. */
function spreadVolume(random: () => number, volume: number, positions: readonly number[]): number[] {
  const weights = positions.map((p) => intradayWeight(p) * Math.exp(0.45 * normalFrom(random)));
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  const parts: number[] = [];
  let cumulative = 0;
  let allotted = 0;
  weights.forEach((weight, i) => {
    cumulative += weight;
    const boundary = i === weights.length - 1 ? volume : Math.round((volume * cumulative) / totalWeight);
    parts.push(boundary - allotted);
    allotted = boundary;
  });
  return parts;
}

/** Moves open interest from `before` to `after` in small steps, ending exactly at `after` on the last minute. */
function openInterestPath(random: () => number, before: number, after: number, count: number): number[] {
  if (after === 0) return new Array<number>(count).fill(0);
  const jitter = Math.max(1, Math.abs(after - before) * 0.05, after * 0.0005);
  const path: number[] = [];
  for (let i = 1; i <= count; i++) {
    const level = i === count ? after : Math.round(before + ((after - before) * i) / count + normalFrom(random) * jitter);
    path.push(Math.max(1, level));
  }
  return path;
}
