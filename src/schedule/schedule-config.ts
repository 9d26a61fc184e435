import { readFileSync } from 'node:fs';
import { CronExpressionParser } from 'cron-parser';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { PRIORITY_CLASSES } from '../rate-budget/rate-budget.js';
import { isInstrumentKey } from '../upstox/instrument-key.js';

// The declarative schedule file: watchlists and job schedules. The scheduler process reads it
// at start, when it changes and on SIGHUP, and reconciles BullMQ's job schedulers with it.

/** The only time zone schedules run in: exchange times are IST, whatever the host's zone. */
export const SCHEDULE_TZ = 'Asia/Kolkata';

/** Exchanges whose calendar a schedule can follow (exchange codes, as market status uses them). */
export const SCHEDULE_EXCHANGES = ['NSE', 'NFO', 'BSE', 'BFO', 'CDS', 'BCD', 'MCX', 'NSCOM'] as const;

/** When a scheduled run goes ahead: only while the exchange trades, only while it is closed, or always. */
export const SCHEDULE_DURING = ['session', 'trading-day', 'any'] as const;

/** Named instrument selections that the scheduler resolves through the instruments master. */
export const WATCHLIST_QUERIES = ['fo-underlyings'] as const;

const cronPattern = z.string().refine((pattern) => {
  try {
    CronExpressionParser.parse(pattern, { tz: SCHEDULE_TZ });
    return true;
  } catch {
    return false;
  }
}, 'is not a valid cron pattern; use five fields, such as "40 15 * * 1-5", or six with seconds first');

const watchlistSchema = z.strictObject({
  instruments: z.array(z.string().refine(isInstrumentKey, 'is not an instrument key; write SEGMENT|IDENTIFIER, such as NSE_EQ|INE002A01018')).default([]),
  symbols: z.array(z.string().regex(/^([A-Z_]+:)?[A-Z0-9&._ -]+$/, 'is not a trading symbol, such as RELIANCE or NSE_INDEX:NIFTY')).default([]),
  query: z.enum(WATCHLIST_QUERIES).optional(),
});

const scheduleSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must start with a lower-case letter and contain only a-z, 0-9 and -'),
  job: z.string().min(1),
  cron: cronPattern,
  // Required, not defaulted: a schedule without a zone would silently fire in the host's zone.
  tz: z.literal(SCHEDULE_TZ, { error: `must be ${SCHEDULE_TZ}; every schedule runs on Indian exchange time` }),
  priority: z.enum(PRIORITY_CLASSES).default('nightly'),
  exchange: z.enum(SCHEDULE_EXCHANGES).optional(),
  during: z.enum(SCHEDULE_DURING).default('any'),
  params: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});

const configSchema = z.strictObject({
  watchlists: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), watchlistSchema).default({}),
  // An empty `schedules:` section reads as null in YAML; it means no schedules.
  schedules: z.preprocess((value) => value ?? [], z.array(scheduleSchema)),
});

export type Watchlist = z.infer<typeof watchlistSchema>;
export type ScheduleEntry = z.infer<typeof scheduleSchema>;
export type ScheduleConfig = z.infer<typeof configSchema>;

export class ScheduleConfigError extends Error {
  readonly code = 'SCHEDULE_CONFIG_INVALID';
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`invalid schedule file ${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ScheduleConfigError';
  }
}

/**
 * Parses and validates a schedule file. Every problem names the line, the key and what is
 * allowed. `jobNames` are the jobs a schedule may run; a watchlist named in params as
 * `$watchlist:<name>` must exist.
 */
export function parseScheduleConfig(text: string, file: string, jobNames: readonly string[]): ScheduleConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    throw new ScheduleConfigError(file, document.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
  }
  const lineOf = (path: readonly PropertyKey[]): string => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return `line ${lineCounter.linePos(node.range[0]).line}`;
    }
    return 'line ?';
  };
  const result = configSchema.safeParse(document.toJS());
  if (!result.success) {
    throw new ScheduleConfigError(
      file,
      result.error.issues.map((issue) => {
        // An unknown key is reported at its own line rather than at its parent's.
        const linePath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
        return `${lineOf(linePath)}: ${formatPath(issue.path)} ${describeIssue(issue)}`;
      }),
    );
  }
  const problems: string[] = [];
  const ids = new Set<string>();
  result.data.schedules.forEach((entry, index) => {
    const at = (key: string) => `${lineOf(['schedules', index, key])}: schedules[${index}].${key}`;
    if (ids.has(entry.id)) problems.push(`${at('id')} repeats the id ${JSON.stringify(entry.id)}; ids must be unique`);
    ids.add(entry.id);
    if (!jobNames.includes(entry.job)) problems.push(`${at('job')} names the unknown job ${JSON.stringify(entry.job)}; known jobs: ${jobNames.join(', ')}`);
    for (const [name, value] of Object.entries(entry.params)) {
      const watchlist = typeof value === 'string' ? /^\$watchlist:(.+)$/.exec(value)?.[1] : undefined;
      if (watchlist !== undefined && !(watchlist in result.data.watchlists)) {
        problems.push(`${lineOf(['schedules', index, 'params', name])}: schedules[${index}].params.${name} names the unknown watchlist ${JSON.stringify(watchlist)}; defined: ${Object.keys(result.data.watchlists).join(', ') || 'none'}`);
      }
    }
  });
  if (problems.length > 0) throw new ScheduleConfigError(file, problems);
  return result.data;
}

/** Reads and validates a schedule file from disk. */
export function readScheduleConfig(file: string, jobNames: readonly string[]): ScheduleConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScheduleConfigError(file, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); set SCHEDULE_FILE to the schedule file, such as config/schedules.yaml`]);
  }
  return parseScheduleConfig(text, file, jobNames);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(file)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has unknown key(s) ${issue.keys.join(', ')}`;
  // zod's own messages start with "Invalid"; a schema's custom message is kept as written.
  if (!issue.message.startsWith('Invalid')) return issue.message;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is missing (${issue.expected} required)`;
  return issue.message;
}
