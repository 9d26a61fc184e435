import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { istDateOf, istMinuteOfDay, parseInstant, type IsoDate } from '../time/ist.js';
import type { Bar, MinuteBar } from './aggregation.js';

// Real Upstox candles recorded from public repositories (provenance in data/recorded/SOURCES.md).
// Where they exist the simulator serves them instead of synthetic bars. Each file is read once
// per process and data folder, on the first candle request.

/** The files and the instrument keys they hold. */
export const RECORDED_FILES = {
  // The body of one V2 1-minute request, whose URL named this key; the body itself has no key.
  oneMinute: { file: 'upstox-v2-historical-candle-1minute-INFY-2025-02-07.json', instrumentKey: 'NSE_EQ|INE009A01021' },
  daily: { file: 'upstox-derived-daily-RELIANCE-2022-01-03_2026-01-29.csv' },
  fifteenMinute: { file: 'upstox-derived-15minute-RELIANCE-INFY-HDFCBANK-TCS-SBIN-2026-01-29.csv' },
} as const;

type DayMap<T> = ReadonlyMap<string, ReadonlyMap<IsoDate, T>>;

/** Recorded bars by instrument key and IST trading date; intraday bars are oldest first. */
export interface RecordedData {
  readonly oneMinute: DayMap<readonly MinuteBar[]>;
  readonly fifteenMinute: DayMap<readonly MinuteBar[]>;
  readonly daily: DayMap<Bar>;
}

const loads = new Map<string, Promise<RecordedData>>();

/** Loads the recorded candle files of `dataDir` once per process. */
export function loadRecordedData(dataDir: string): Promise<RecordedData> {
  const folder = resolve(dataDir);
  let load = loads.get(folder);
  if (!load) {
    load = readRecordedData(folder);
    load.catch(() => loads.delete(folder));
    loads.set(folder, load);
  }
  return load;
}

async function readRecordedData(dataDir: string): Promise<RecordedData> {
  const [minuteText, dailyText, fifteenText] = await Promise.all([
    readText(dataDir, RECORDED_FILES.oneMinute.file),
    readText(dataDir, RECORDED_FILES.daily.file),
    readText(dataDir, RECORDED_FILES.fifteenMinute.file),
  ]);
  return {
    oneMinute: parseCandleBody(minuteText, RECORDED_FILES.oneMinute.instrumentKey, RECORDED_FILES.oneMinute.file),
    fifteenMinute: groupByDay(parseCsv(fifteenText, RECORDED_FILES.fifteenMinute.file)),
    daily: dailyByDay(parseCsv(dailyText, RECORDED_FILES.daily.file)),
  };
}

async function readText(dataDir: string, name: string): Promise<string> {
  const path = join(dataDir, name);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`failed to read the recorded candles ${path}: ${reason}; set SimulatorOptions.dataDir to the data/recorded folder`);
  }
}

interface TimedRow {
  readonly instrumentKey: string;
  readonly date: IsoDate;
  readonly bar: MinuteBar;
}

function parseCandleBody(text: string, instrumentKey: string, file: string): DayMap<readonly MinuteBar[]> {
  const body = JSON.parse(text) as { data?: { candles?: unknown } };
  const candles = body.data?.candles;
  if (!Array.isArray(candles)) throw new Error(`invalid recorded candle body ${file}: expected data.candles to be an array`);
  const rows = candles.map((candle: unknown, index): TimedRow => {
    if (!Array.isArray(candle) || typeof candle[0] !== 'string' || candle.slice(1, 7).some((v) => typeof v !== 'number')) {
      throw new Error(`invalid candle ${index} in ${file}: expected [timestamp, open, high, low, close, volume, oi]`);
    }
    const [ts, open, high, low, close, volume, oi] = candle as [string, number, number, number, number, number, number];
    const instant = parseInstant(ts);
    return { instrumentKey, date: istDateOf(instant), bar: { minute: istMinuteOfDay(instant), open, high, low, close, volume, oi } };
  });
  return groupByDay(rows);
}

// The CSV files carry `instrument_key,timestamp,open,high,low,close,volume` among other
// columns; they have no open interest column, and every row is an equity, so oi is 0.
function parseCsv(text: string, file: string): TimedRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`invalid recorded CSV ${file}: column ${name} is missing from the header`);
    return index;
  };
  const at = { key: column('instrument_key'), ts: column('timestamp'), open: column('open'), high: column('high'), low: column('low'), close: column('close'), volume: column('volume') };
  return lines.slice(1).map((line, index): TimedRow => {
    const cells = line.split(',');
    const number = (i: number): number => {
      const value = Number(cells[i]);
      if (cells[i] === '' || !Number.isFinite(value)) throw new Error(`invalid number ${JSON.stringify(cells[i])} on data line ${index + 1} of ${file}`);
      return value;
    };
    const instant = parseInstant(cells[at.ts] ?? '');
    return {
      instrumentKey: cells[at.key] ?? '',
      date: istDateOf(instant),
      bar: { minute: istMinuteOfDay(instant), open: number(at.open), high: number(at.high), low: number(at.low), close: number(at.close), volume: number(at.volume), oi: 0 },
    };
  });
}

function groupByDay(rows: readonly TimedRow[]): DayMap<readonly MinuteBar[]> {
  const byKey = new Map<string, Map<IsoDate, MinuteBar[]>>();
  for (const row of rows) {
    let days = byKey.get(row.instrumentKey);
    if (!days) byKey.set(row.instrumentKey, (days = new Map()));
    let bars = days.get(row.date);
    if (!bars) days.set(row.date, (bars = []));
    bars.push(row.bar);
  }
  for (const days of byKey.values()) for (const bars of days.values()) bars.sort((a, b) => a.minute - b.minute);
  return byKey;
}

function dailyByDay(rows: readonly TimedRow[]): DayMap<Bar> {
  const byKey = new Map<string, Map<IsoDate, Bar>>();
  for (const { instrumentKey, date, bar } of rows) {
    let days = byKey.get(instrumentKey);
    if (!days) byKey.set(instrumentKey, (days = new Map()));
    days.set(date, { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume, oi: bar.oi });
  }
  return byKey;
}
