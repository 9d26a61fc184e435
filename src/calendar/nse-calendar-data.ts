// The NSE equity and F&O calendar that ships with the product, used by the simulator and as
// the default calendar of the candle job until the calendar refresh job stores the exchange's
// own holiday list.
//
// Source: the trading days present in two real daily series, RELIANCE from Upstox
// (2022-01-03..2026-01-29) and NIFTY 50 from Yahoo Finance (2021-08-23..2026-08-21), both
// under data/recorded/. A weekday absent from both is a holiday; a weekend day present in
// either is a special session. Outside that span the dates come from NSE's published holiday
// circulars for 2021 and 2026.
// NOTE: holidays before 2021 are not listed, so for earlier dates every weekday counts as a
// trading day. Special-session times are NSE's announced times; they are not checked
// against recorded minute data, which does not cover those days.

/** Weekdays on which NSE equity and F&O markets were closed for the whole day. */
export const NSE_HOLIDAYS: readonly string[] = [
  // 2021: NSE circular (before the recorded series begins on 2021-08-23).
  '2021-01-26', '2021-03-11', '2021-03-29', '2021-04-02', '2021-04-14', '2021-04-21',
  '2021-05-13', '2021-07-21', '2021-08-19',
  // 2021-08-23 .. 2026-08-21: derived from the recorded daily series.
  '2021-09-10', '2021-10-15', '2021-11-05', '2021-11-19',
  '2022-01-26', '2022-03-01', '2022-03-18', '2022-04-14', '2022-04-15', '2022-05-03',
  '2022-08-09', '2022-08-15', '2022-08-31', '2022-10-05', '2022-10-26', '2022-11-08',
  '2023-01-26', '2023-03-07', '2023-03-30', '2023-04-04', '2023-04-07', '2023-04-14',
  '2023-05-01', '2023-06-29', '2023-08-15', '2023-09-19', '2023-10-02', '2023-10-24',
  '2023-11-14', '2023-11-27', '2023-12-25',
  '2024-01-22', '2024-01-26', '2024-03-08', '2024-03-25', '2024-03-29', '2024-04-11',
  '2024-04-17', '2024-05-01', '2024-05-20', '2024-06-17', '2024-07-17', '2024-08-15',
  '2024-10-02', '2024-11-15', '2024-11-20', '2024-12-25',
  '2025-02-26', '2025-03-14', '2025-03-31', '2025-04-10', '2025-04-14', '2025-04-18',
  '2025-05-01', '2025-08-15', '2025-08-27', '2025-10-02', '2025-10-22', '2025-11-05',
  '2025-12-25',
  '2026-01-15', '2026-01-26', '2026-03-03', '2026-03-26', '2026-03-31', '2026-04-03',
  '2026-04-14', '2026-05-01', '2026-05-28', '2026-06-26',
  // After 2026-08-21: NSE circular for 2026.
  '2026-09-14', '2026-10-02', '2026-10-20', '2026-11-10', '2026-11-24', '2026-12-25',
];

/** One trading session in IST minutes after midnight; bars start from `startMinute` up to `endMinute` (excluded). */
export interface SessionWindow {
  readonly startMinute: number;
  readonly endMinute: number;
}

export const REGULAR_SESSION: SessionWindow = { startMinute: 9 * 60 + 15, endMinute: 15 * 60 + 30 };

/** Days whose sessions differ from the regular 09:15-15:30: Muhurat trading and Saturday sessions. */
export const NSE_SPECIAL_SESSIONS: Readonly<Record<string, { kind: string; sessions: readonly SessionWindow[] }>> = {
  '2021-11-04': { kind: 'muhurat', sessions: [{ startMinute: 18 * 60 + 15, endMinute: 19 * 60 + 15 }] },
  '2022-10-24': { kind: 'muhurat', sessions: [{ startMinute: 18 * 60 + 15, endMinute: 19 * 60 + 15 }] },
  '2023-11-12': { kind: 'muhurat', sessions: [{ startMinute: 18 * 60 + 15, endMinute: 19 * 60 + 15 }] },
  '2024-01-20': { kind: 'saturday-session', sessions: [REGULAR_SESSION] },
  '2024-03-02': {
    kind: 'saturday-session',
    sessions: [
      { startMinute: 9 * 60 + 15, endMinute: 10 * 60 },
      { startMinute: 11 * 60 + 30, endMinute: 12 * 60 + 30 },
    ],
  },
  '2024-05-18': {
    kind: 'saturday-session',
    sessions: [
      { startMinute: 9 * 60 + 15, endMinute: 10 * 60 },
      { startMinute: 11 * 60 + 30, endMinute: 12 * 60 + 30 },
    ],
  },
  '2024-11-01': { kind: 'muhurat', sessions: [{ startMinute: 18 * 60, endMinute: 19 * 60 }] },
  '2025-02-01': { kind: 'saturday-session', sessions: [REGULAR_SESSION] },
  '2025-10-21': { kind: 'muhurat', sessions: [{ startMinute: 13 * 60 + 45, endMinute: 14 * 60 + 45 }] },
};
