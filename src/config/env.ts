import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';

// The only module that reads process.env. Everything else receives the frozen Config.

export const DEFAULT_API_BASE_URL = 'https://api.upstox.com';

interface VariableSpec {
  readonly schema: z.ZodType;
  readonly example: string;
  readonly secret?: boolean;
}

const positiveInt = (max: number) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be 1 or more').max(max, `must be ${max} or less`);
const fraction = (max: number) => z.coerce.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(max, `must be ${max} or less`);

/** Every environment variable the project reads. */
export const VARIABLES = {
  UPSTOX_ACCESS_TOKEN: { schema: z.string().min(1).optional(), example: 'eyJ0eXAiOi... (the Analytics Token)', secret: true },
  UPSTOX_ACCESS_TOKEN_FILE: { schema: z.string().min(1).optional(), example: '/run/secrets/upstox_token' },
  UPSTOX_API_BASE_URL: { schema: z.url({ protocol: /^https?$/ }).default(DEFAULT_API_BASE_URL), example: DEFAULT_API_BASE_URL },
  UPSTOX_ASSETS_BASE_URL: { schema: z.url({ protocol: /^https?$/ }).default('https://assets.upstox.com'), example: 'https://assets.upstox.com' },
  UPSTOX_ACCOUNT: { schema: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('default'), example: 'main' },
  UPSTOX_REQUEST_TIMEOUT_MS: { schema: positiveInt(600_000).default(30_000), example: '30000' },
  REDIS_URL: { schema: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'), example: 'redis://127.0.0.1:6379' },
  QUEUE_PREFIX: {
    schema: z.string().regex(/^[A-Za-z0-9_{}.-]{1,64}$/).default('{upstox-ingest}'),
    example: '{upstox-ingest}',
  },
  DATABASE_URL: {
    schema: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/upstox_ingest'),
    example: 'postgres://postgres@127.0.0.1:5432/upstox_ingest',
    secret: true,
  },
  QUESTDB_HTTP_URL: { schema: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9000'), example: 'http://127.0.0.1:9000' },
  QUESTDB_USERNAME: { schema: z.string().min(1).optional(), example: 'admin' },
  QUESTDB_PASSWORD: { schema: z.string().min(1).optional(), example: 'quest', secret: true },
  QUESTDB_TABLE_PREFIX: { schema: z.string().regex(/^[a-z0-9_]{0,32}$/).default(''), example: 'dev_' },
  WORKER_CONCURRENCY: { schema: positiveInt(256).default(4), example: '4' },
  JOB_ATTEMPTS: { schema: positiveInt(100).default(8), example: '8' },
  LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), example: 'info' },
  METRICS_PORT: { schema: z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must be 0 or more').max(65_535, 'must be 65535 or less').default(9464), example: '9464' },
  METRICS_HOST: { schema: z.string().min(1).default('127.0.0.1'), example: '127.0.0.1' },
  SCHEDULE_FILE: { schema: z.string().min(1).default('config/schedules.yaml'), example: 'config/schedules.yaml' },
  RATE_LIMIT_PER_SECOND: { schema: positiveInt(100_000).default(50), example: '50' },
  RATE_LIMIT_PER_MINUTE: { schema: positiveInt(1_000_000).default(500), example: '500' },
  RATE_LIMIT_PER_HALF_HOUR: { schema: positiveInt(10_000_000).default(2000), example: '2000' },
  RATE_WINDOW_SCALE: { schema: z.coerce.number({ error: 'must be a number' }).min(1, 'must be 1 or more').max(10_000, 'must be 10000 or less').default(1), example: '1' },
  RATE_MARGIN_MS: { schema: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').max(60_000, 'must be 60000 or less').default(250), example: '250' },
  RATE_RESERVE_LIVE: { schema: fraction(0.5).default(0.05), example: '0.05' },
  RATE_RESERVE_NIGHTLY: { schema: fraction(0.5).default(0.05), example: '0.05' },
  RATE_BUDGET_GROUPS: {
    schema: z.string().regex(/^(\s*[a-z0-9*-]+=[a-z0-9_-]+\s*)?(,\s*[a-z0-9*-]+=[a-z0-9_-]+\s*)*$/).default(''),
    example: 'historical-candle=candles,intraday-candle=candles',
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;

export interface Config {
  readonly upstox: {
    /** Undefined when neither token variable is set; `requireToken` turns that into an error. */
    readonly token: string | undefined;
    /** The file the token was read from, when it came from UPSTOX_ACCESS_TOKEN_FILE. */
    readonly tokenFile: string | undefined;
    readonly baseUrl: string;
    /** The host of the instruments master files. */
    readonly assetsBaseUrl: string;
    readonly account: string;
    readonly requestTimeoutMs: number;
  };
  readonly redis: { readonly url: string; readonly queuePrefix: string };
  readonly postgres: { readonly url: string };
  readonly questdb: {
    readonly httpUrl: string;
    readonly username: string | undefined;
    readonly password: string | undefined;
    readonly tablePrefix: string;
  };
  readonly worker: { readonly concurrency: number; readonly attempts: number };
  readonly rateBudget: {
    readonly limits: { readonly perSecond: number; readonly perMinute: number; readonly perHalfHour: number };
    readonly windowScale: number;
    readonly marginMs: number;
    readonly reserve: { readonly live: number; readonly nightly: number };
    /** Such as `historical-candle=candles`; empty gives every API a budget of its own. */
    readonly groups: string;
  };
  /** Where the worker serves /metrics and /health; port 0 turns the server off. */
  readonly metrics: { readonly host: string; readonly port: number };
  /** The schedule file, relative to the working directory unless absolute. */
  readonly scheduleFile: string;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates every variable at once, then freezes the result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [VariableName, VariableSpec][]) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      values[name] = result.data;
    } else {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown} is invalid: ${result.error.issues[0]?.message ?? 'invalid value'}; for example ${name}=${spec.example}`);
    }
  }

  const token = readToken(values, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const v = values as Record<VariableName, never>;
  return deepFreeze({
    upstox: {
      token,
      tokenFile: v.UPSTOX_ACCESS_TOKEN_FILE,
      baseUrl: v.UPSTOX_API_BASE_URL,
      assetsBaseUrl: v.UPSTOX_ASSETS_BASE_URL,
      account: v.UPSTOX_ACCOUNT,
      requestTimeoutMs: v.UPSTOX_REQUEST_TIMEOUT_MS,
    },
    redis: { url: v.REDIS_URL, queuePrefix: v.QUEUE_PREFIX },
    postgres: { url: v.DATABASE_URL },
    questdb: {
      httpUrl: v.QUESTDB_HTTP_URL,
      username: v.QUESTDB_USERNAME,
      password: v.QUESTDB_PASSWORD,
      tablePrefix: v.QUESTDB_TABLE_PREFIX,
    },
    worker: { concurrency: v.WORKER_CONCURRENCY, attempts: v.JOB_ATTEMPTS },
    rateBudget: {
      limits: { perSecond: v.RATE_LIMIT_PER_SECOND, perMinute: v.RATE_LIMIT_PER_MINUTE, perHalfHour: v.RATE_LIMIT_PER_HALF_HOUR },
      windowScale: v.RATE_WINDOW_SCALE,
      marginMs: v.RATE_MARGIN_MS,
      reserve: { live: v.RATE_RESERVE_LIVE, nightly: v.RATE_RESERVE_NIGHTLY },
      groups: v.RATE_BUDGET_GROUPS,
    },
    metrics: { host: v.METRICS_HOST, port: v.METRICS_PORT },
    scheduleFile: v.SCHEDULE_FILE,
    logLevel: v.LOG_LEVEL,
  });
}

/** Returns the token, or throws an error that explains how to provide one. */
export function requireToken(config: Config): string {
  if (config.upstox.token) return config.upstox.token;
  throw new ConfigError([
    'UPSTOX_ACCESS_TOKEN and UPSTOX_ACCESS_TOKEN_FILE are both unset; set one of them to the Analytics Token, ' +
      'for example UPSTOX_ACCESS_TOKEN_FILE=/run/secrets/upstox_token (or run "npm run demo", which uses the simulator)',
  ]);
}

/** Returns the configuration as printable text, with secrets hidden. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    upstox: { ...config.upstox, token: config.upstox.token ? '(set, hidden)' : '(unset)' },
    redis: { url: hidePassword(config.redis.url), queuePrefix: config.redis.queuePrefix },
    postgres: { url: hidePassword(config.postgres.url) },
    questdb: { ...config.questdb, password: config.questdb.password ? '(set, hidden)' : '(unset)' },
    worker: config.worker,
    rateBudget: config.rateBudget,
    metrics: config.metrics,
    scheduleFile: config.scheduleFile,
    logLevel: config.logLevel,
  };
}

function readToken(values: Record<string, unknown>, problems: string[]): string | undefined {
  const direct = values.UPSTOX_ACCESS_TOKEN as string | undefined;
  const file = values.UPSTOX_ACCESS_TOKEN_FILE as string | undefined;
  if (direct && file) {
    problems.push('UPSTOX_ACCESS_TOKEN and UPSTOX_ACCESS_TOKEN_FILE are both set; set only one of them');
    return undefined;
  }
  if (!file) return direct?.trim();
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length === 0) problems.push(`UPSTOX_ACCESS_TOKEN_FILE=${JSON.stringify(file)} names an empty file; write the token into it`);
    return token || undefined;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`UPSTOX_ACCESS_TOKEN_FILE=${JSON.stringify(file)} cannot be read (${reason}); for example UPSTOX_ACCESS_TOKEN_FILE=/run/secrets/upstox_token`);
    return undefined;
  }
}

function hidePassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = 'hidden';
  return parsed.toString();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Returns the token, re-reading UPSTOX_ACCESS_TOKEN_FILE when the file changed (checked at
 * most once a second), so that a replaced token takes effect without a restart. A token from
 * UPSTOX_ACCESS_TOKEN never changes while the process runs.
 */
export function tokenProvider(config: Config): () => string {
  let token = requireToken(config);
  const file = config.upstox.tokenFile;
  if (!file) return () => token;
  let checkedAt = Date.now();
  let modifiedMs = statSync(file).mtimeMs;
  return () => {
    const now = Date.now();
    if (now - checkedAt < 1_000) return token;
    checkedAt = now;
    try {
      const stat = statSync(file);
      if (stat.mtimeMs !== modifiedMs) {
        const fresh = readFileSync(file, 'utf8').trim();
        modifiedMs = stat.mtimeMs;
        // An empty file is taken as a write in progress; the old token stays until it is filled.
        if (fresh) token = fresh;
      }
    } catch {
      // The file is being replaced; the old token stays until the new file is readable.
    }
    return token;
  };
}

/**
 * Reads `.env` in the current directory into the environment, if present. Variables that are
 * already set keep their values.
 */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** Returns a copy of the configuration with some Upstox settings replaced, frozen like the original. */
export function withUpstoxSettings(config: Config, upstox: Partial<Config['upstox']>): Config {
  return deepFreeze({ ...config, upstox: { ...config.upstox, ...upstox } });
}
