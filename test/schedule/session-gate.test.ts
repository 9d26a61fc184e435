import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { StaticNseCalendar } from '../../src/calendar/trading-calendar.js';
import { nextRuns } from '../../src/schedule/next-runs.js';
import { exchangeCalendarOf, skipReason } from '../../src/schedule/session-gate.js';

const calendar = exchangeCalendarOf(new StaticNseCalendar());
const at = (iso: string) => Date.parse(iso);

describe('schedule times and sessions', () => {
  it('runs the 15:40 IST cron at 10:10 UTC, skipping the weekend', () => {
    expect(nextRuns('40 15 * * 1-5', at('2024-03-28T09:00:00Z'), 3).map((ms) => new Date(ms).toISOString())).toEqual([
      '2024-03-28T10:10:00.000Z',
      '2024-03-29T10:10:00.000Z',
      '2024-04-01T10:10:00.000Z',
    ]);
  });

  it('computes the same runs whatever the host zone', async () => {
    const script = "import('./src/schedule/next-runs.ts').then((m) => console.log(JSON.stringify(m.nextRuns('40 15 * * 1-5', Date.parse('2024-03-28T09:00:00Z'), 3))))";
    const outputs = await Promise.all(
      ['UTC', 'America/New_York', 'Asia/Kolkata'].map(async (tz) => (await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TZ: tz } })).stdout.trim()),
    );
    expect(new Set(outputs).size).toBe(1);
  });

  it('skips a trading-day job on Good Friday 2024', async () => {
    expect(await skipReason({ id: 'eod', exchange: 'NSE', during: 'trading-day' }, at('2024-03-29T10:10:00Z'), calendar)).toBe('NSE does not trade on 2024-03-29');
  });

  it('runs a trading-day job on the Thursday before', async () => {
    expect(await skipReason({ id: 'eod', exchange: 'NSE', during: 'trading-day' }, at('2024-03-28T10:10:00Z'), calendar)).toBeUndefined();
  });

  it('skips a session job before the 09:15 open', async () => {
    expect(await skipReason({ id: 'ltp', exchange: 'NSE', during: 'session' }, at('2024-03-28T03:44:00Z'), calendar)).toMatch(/outside its session/);
  });

  it('runs a session job at 09:15 IST', async () => {
    expect(await skipReason({ id: 'ltp', exchange: 'NSE', during: 'session' }, at('2024-03-28T03:45:00Z'), calendar)).toBeUndefined();
  });

  it('runs a session job during the Muhurat session of 2024-11-01', async () => {
    expect(await skipReason({ id: 'ltp', exchange: 'NSE', during: 'session' }, at('2024-11-01T12:45:00Z'), calendar)).toBeUndefined();
  });

  it('skips a session job in the regular hours of the Muhurat day', async () => {
    expect(await skipReason({ id: 'ltp', exchange: 'NSE', during: 'session' }, at('2024-11-01T05:00:00Z'), calendar)).toMatch(/outside its session/);
  });

  it('never skips a schedule without an exchange', async () => {
    expect(await skipReason({ id: 'master', during: 'session' }, at('2024-03-29T10:10:00Z'), calendar)).toBeUndefined();
  });
});
