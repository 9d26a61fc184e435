import { describe, expect, it } from 'vitest';
import { parseScheduleConfig, ScheduleConfigError } from '../../src/schedule/schedule-config.js';

const JOBS = ['quotes-ltp', 'candles-eod'];

function problems(text: string): readonly string[] {
  try {
    parseScheduleConfig(text, 'schedules.yaml', JOBS);
  } catch (error) {
    if (error instanceof ScheduleConfigError) return error.problems;
    throw error;
  }
  return [];
}

const valid = `
watchlists:
  core:
    instruments: ["NSE_EQ|INE002A01018", "NSE_INDEX|Nifty 50"]
schedules:
  - id: eod-candles
    job: candles-eod
    cron: "40 15 * * 1-5"
    tz: Asia/Kolkata
    exchange: NSE
    params: { instrumentKeys: "$watchlist:core" }
`;

describe('schedule config', () => {
  it('accepts a valid file with defaults', () => {
    const config = parseScheduleConfig(valid, 'schedules.yaml', JOBS);
    expect([config.schedules[0]?.priority, config.schedules[0]?.during, config.watchlists.core?.symbols]).toEqual(['nightly', 'any', []]);
  });

  it('refuses a schedule without a time zone, naming the line', () => {
    expect(problems(valid.replace('    tz: Asia/Kolkata\n', ''))).toEqual(['line 6: schedules[0].tz must be Asia/Kolkata; every schedule runs on Indian exchange time']);
  });

  it('refuses another time zone', () => {
    expect(problems(valid.replace('tz: Asia/Kolkata', 'tz: UTC'))[0]).toMatch(/^line 9: schedules\[0\]\.tz must be Asia\/Kolkata/);
  });

  it('refuses an invalid cron pattern', () => {
    expect(problems(valid.replace('"40 15 * * 1-5"', '"99 15 * * 1-5"'))[0]).toMatch(/^line 8: schedules\[0\]\.cron is not a valid cron pattern/);
  });

  it('lists the allowed exchanges', () => {
    expect(problems(valid.replace('exchange: NSE', 'exchange: NYSE'))[0]).toBe('line 10: schedules[0].exchange must be one of "NSE", "NFO", "BSE", "BFO", "CDS", "BCD", "MCX", "NSCOM"');
  });

  it('names an unknown job and lists the known ones', () => {
    expect(problems(valid.replace('job: candles-eod', 'job: candles-nightly'))).toEqual(['line 7: schedules[0].job names the unknown job "candles-nightly"; known jobs: quotes-ltp, candles-eod']);
  });

  it('names an unknown watchlist', () => {
    expect(problems(valid.replace('$watchlist:core', '$watchlist:other'))[0]).toMatch(/^line 11: schedules\[0\]\.params\.instrumentKeys names the unknown watchlist "other"/);
  });

  it('refuses an unknown key', () => {
    expect(problems(valid.replace('    exchange: NSE\n', '    exchange: NSE\n    every: 5\n'))[0]).toBe('line 11: schedules[0] has unknown key(s) every');
  });

  it('refuses a repeated id', () => {
    const twice = valid + valid.slice(valid.indexOf('  - id')).replace(/^/, '');
    expect(problems(twice).some((p) => p.includes('repeats the id "eod-candles"'))).toBe(true);
  });

  it('refuses a malformed instrument key in a watchlist', () => {
    expect(problems(valid.replace('"NSE_EQ|INE002A01018"', '"RELIANCE"'))[0]).toMatch(/^line 4: watchlists\.core\.instruments\[0\] is not an instrument key/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('schedules:\n  - id: a\n   job: b\n')[0]).toMatch(/^line 3:/);
  });
});
