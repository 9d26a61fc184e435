import { utcMidnight, type IsoDate } from '../time/ist.js';
import { isDerivativeSegment } from '../upstox/instrument-key.js';
import type { Bar } from './aggregation.js';
import { toTick, type PriceGrid } from './price-grid.js';
import { logUniformOf, normalOf, uniformOf } from './random.js';

// Synthetic daily bars for days without recorded data. A day's close is a smooth function of
// (instrument key, date): a price level times a few slow sine waves with hashed phases, plus a
// hashed noise term. The level is a hashed base price, or follows the key's recorded closes
// where it has any. Nothing depends on earlier output, so any day can be computed alone, in
// any order, with the same result. The open follows the previous trading day's close with a
// small hashed gap, which the caller looks up and passes in.

/** Plausible magnitudes for one kind of instrument. */
export interface InstrumentProfile {
  readonly name: string;
  /** Range of base prices in rupees, drawn per key on a log scale. */
  readonly price: readonly [number, number];
  /** Standard deviation of the daily log return. */
  readonly dailyVolatility: number;
  /** Range of typical daily volume per key; undefined means volume 0 (indices). */
  readonly volume?: readonly [number, number];
  /** Range of typical open interest per key; undefined means no open interest. */
  readonly openInterest?: readonly [number, number];
}

const PROFILES = {
  equity: { name: 'equity', price: [20, 4000], dailyVolatility: 0.015, volume: [20_000, 15_000_000] },
  index: { name: 'index', price: [1000, 60_000], dailyVolatility: 0.009 },
  indicator: { name: 'indicator', price: [1, 150], dailyVolatility: 0.006 },
  future: { name: 'future', price: [100, 30_000], dailyVolatility: 0.014, volume: [1_000, 5_000_000], openInterest: [10_000, 20_000_000] },
  option: { name: 'option', price: [2, 600], dailyVolatility: 0.09, volume: [1_000, 20_000_000], openInterest: [1_000, 5_000_000] },
  currencyFuture: { name: 'currency future', price: [50, 110], dailyVolatility: 0.003, volume: [1_000, 1_000_000], openInterest: [1_000, 1_000_000] },
  currencyOption: { name: 'currency option', price: [0.05, 2], dailyVolatility: 0.08, volume: [1_000, 1_000_000], openInterest: [1_000, 1_000_000] },
} as const satisfies Record<string, InstrumentProfile>;

/** Returns the profile of an instrument from its segment and master instrument type. */
export function profileFor(segment: string, instrumentType: string | undefined): InstrumentProfile {
  if (segment.endsWith('_INDEX')) return PROFILES.index;
  if (segment === 'GLOBAL_INDICATOR') return PROFILES.indicator;
  if (!isDerivativeSegment(segment)) return PROFILES.equity;
  const isOption = instrumentType === 'CE' || instrumentType === 'PE';
  if (segment === 'NCD_FO' || segment === 'BCD_FO') return isOption ? PROFILES.currencyOption : PROFILES.currencyFuture;
  return isOption ? PROFILES.option : PROFILES.future;
}

/** Everything that fixes the synthetic series of one instrument; build it with {@link createSeries}. */
export interface SyntheticSeries {
  readonly instrumentKey: string;
  readonly profile: InstrumentProfile;
  readonly grid: PriceGrid;
  readonly waves: readonly { readonly frequency: number; readonly phase: number; readonly amplitude: number }[];
  /** Day numbers and log-price offsets that pin the series to recorded closes, oldest first; empty without recorded data. */
  readonly pins: readonly { readonly day: number; readonly offset: number }[];
  /** The log of the hashed base price, used when there are no pins. */
  readonly logBase: number;
}

/** A real close that a series is pinned to, so synthetic days stay near recorded ones. */
export interface ReferenceClose {
  readonly date: IsoDate;
  readonly close: number;
}

// Periods (in days) and relative sizes of the slow waves in the log price: roughly a
// three-year cycle, a yearly one, a quarterly one and a monthly one.
const WAVES: readonly (readonly [number, number])[] = [
  [1100, 1.6],
  [380, 0.8],
  [97, 0.45],
  [23, 0.2],
];

/**
 * Creates the synthetic series of one instrument, with hashed wave periods and phases. Without
 * references the price level is a hashed base price. With references (recorded closes) the
 * level is pinned to each of them and interpolated in log price between them, and held at the
 * first and last beyond them, so synthetic days join recorded ones without a jump.
 */
export function createSeries(instrumentKey: string, profile: InstrumentProfile, grid: PriceGrid, references: readonly ReferenceClose[] = []): SyntheticSeries {
  // The waves' amplitude follows the instrument's volatility: options swing more than indices.
  const scale = Math.min(profile.dailyVolatility * 10, 0.5);
  const waves = WAVES.map(([period, size], k) => ({
    frequency: (2 * Math.PI) / (period * (0.8 + 0.4 * uniformOf(`${instrumentKey}|period|${k}`))),
    phase: 2 * Math.PI * uniformOf(`${instrumentKey}|phase|${k}`),
    amplitude: size * scale,
  }));
  const pins = [...references]
    .filter((r) => r.close > 0)
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((r) => ({ day: dayNumber(r.date), offset: Math.log(r.close) - wavesAt(waves, dayNumber(r.date)) }));
  const logBase = Math.log(logUniformOf(`${instrumentKey}|base`, profile.price[0], profile.price[1]));
  return { instrumentKey, profile, grid, waves, pins, logBase };
}

function dayNumber(date: IsoDate): number {
  return utcMidnight(date) / 86_400_000;
}

function wavesAt(waves: SyntheticSeries['waves'], day: number): number {
  let sum = 0;
  for (const wave of waves) sum += wave.amplitude * Math.sin(wave.frequency * day + wave.phase);
  return sum;
}

// The log-price level before the daily noise: the waves plus the base or the pinned offset.
function logLevel(series: SyntheticSeries, date: IsoDate): number {
  const day = dayNumber(date);
  return wavesAt(series.waves, day) + offsetAt(series, day);
}

function offsetAt(series: SyntheticSeries, day: number): number {
  const pins = series.pins;
  const first = pins[0];
  const last = pins[pins.length - 1];
  if (!first || !last) return series.logBase;
  if (day <= first.day) return first.offset;
  if (day >= last.day) return last.offset;
  let low = 0;
  let high = pins.length - 1;
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if ((pins[mid]?.day ?? 0) <= day) low = mid;
    else high = mid;
  }
  const before = pins[low] ?? first;
  const after = pins[high] ?? last;
  return before.offset + ((after.offset - before.offset) * (day - before.day)) / (after.day - before.day);
}

/** Returns the synthetic close of `date`, before rounding to the tick. */
export function syntheticClose(series: SyntheticSeries, date: IsoDate): number {
  const noise = series.profile.dailyVolatility * 0.7 * normalOf(`${series.instrumentKey}|${date}|close`);
  return Math.exp(logLevel(series, date) + noise);
}

/** Returns the synthetic close of `date` rounded to the tick, as the daily bar carries it. */
export function syntheticDayClose(series: SyntheticSeries, date: IsoDate): number {
  return Math.max(series.grid.tick, toTick(syntheticClose(series, date), series.grid));
}

/** Returns the synthetic open interest at the close of `date` (0 when the profile has none). */
export function syntheticOpenInterest(series: SyntheticSeries, date: IsoDate): number {
  const range = series.profile.openInterest;
  if (!range) return 0;
  const base = logUniformOf(`${series.instrumentKey}|oi`, range[0], range[1]);
  const wave = 0.3 * Math.sin((2 * Math.PI * dayNumber(date)) / 47 + 2 * Math.PI * uniformOf(`${series.instrumentKey}|oi-phase`));
  const noise = 0.04 * normalOf(`${series.instrumentKey}|${date}|oi`);
  return Math.max(1, Math.round(base * Math.exp(wave + noise)));
}

/**
 * Builds the synthetic daily bar of a trading day. `previousClose` is the close of the
 * trading day before, recorded or synthetic. `sessionShare` is the day's trading minutes
 * divided by a regular day's 375, and it scales the volume of short special sessions.
 */
export function syntheticDayBar(series: SyntheticSeries, date: IsoDate, previousClose: number, sessionShare: number): Bar {
  const { grid, profile, instrumentKey } = series;
  const seed = `${instrumentKey}|${date}`;
  const volatility = profile.dailyVolatility;

  const floor = grid.tick;
  const open = Math.max(floor, toTick(previousClose * Math.exp(volatility * 0.3 * normalOf(`${seed}|gap`)), grid));
  const close = syntheticDayClose(series, date);
  const high = toTick(Math.max(open, close) * Math.exp(Math.abs(normalOf(`${seed}|high`)) * volatility * 0.6), grid, 'up');
  const low = Math.max(floor, toTick(Math.min(open, close) * Math.exp(-Math.abs(normalOf(`${seed}|low`)) * volatility * 0.6), grid, 'down'));

  let volume = 0;
  if (profile.volume) {
    const typical = logUniformOf(`${instrumentKey}|volume`, profile.volume[0], profile.volume[1]);
    // Big moves trade more: volume grows with the size of the day's return.
    const move = 1 + 25 * Math.abs(Math.log(close / open));
    volume = Math.round(typical * Math.exp(0.35 * normalOf(`${seed}|volume`)) * move * sessionShare);
  }
  return { open, high: Math.max(high, open, close), low: Math.min(low, open, close), close, volume, oi: syntheticOpenInterest(series, date) };
}
