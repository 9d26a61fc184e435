// SQL over QuestDB's HTTP endpoint `/exec`, for DDL, checks and counts. Rows are written
// with ILP over HTTP by the writers in this folder, never through `/exec`.

export interface QuestDbHttpOptions {
  readonly httpUrl: string;
  readonly username?: string;
  readonly password?: string;
  readonly requestTimeoutMs?: number;
}

export interface QueryResult {
  readonly columns: readonly { name: string; type: string }[];
  readonly dataset: readonly (readonly unknown[])[];
  readonly count: number;
}

export class QuestDbError extends Error {
  readonly code = 'QUESTDB_ERROR';
  constructor(message: string, readonly sql: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuestDbError';
  }
}

/** A small client for QuestDB's `/exec` endpoint. */
export class QuestDbHttp {
  readonly httpUrl: string;
  private readonly authorization: string | undefined;
  private readonly requestTimeoutMs: number;

  constructor(options: QuestDbHttpOptions) {
    this.httpUrl = options.httpUrl.replace(/\/+$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.authorization = options.username
      ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
      : undefined;
  }

  /** Runs one SQL statement and returns its rows (DDL and DML return no rows). */
  async exec(sql: string): Promise<QueryResult> {
    const url = `${this.httpUrl}/exec?query=${encodeURIComponent(sql)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.authorization ? { authorization: this.authorization } : {},
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw new QuestDbError(
        `QuestDB at ${this.httpUrl} did not answer: ${(error as Error).message}; start it with "bash scripts/services.sh up"`,
        sql,
        { cause: error },
      );
    }
    const text = await response.text();
    let body: { error?: string; position?: number; columns?: QueryResult['columns']; dataset?: QueryResult['dataset']; count?: number };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new QuestDbError(`QuestDB returned HTTP ${response.status} with a non-JSON body: ${text.slice(0, 200)}`, sql);
    }
    if (!response.ok || body.error) {
      const at = body.position === undefined ? '' : ` at position ${body.position}`;
      throw new QuestDbError(`QuestDB rejected SQL${at}: ${body.error ?? `HTTP ${response.status}`} in: ${sql.slice(0, 300)}`, sql);
    }
    return { columns: body.columns ?? [], dataset: body.dataset ?? [], count: body.count ?? 0 };
  }

  /** Runs a query expected to return one number, such as a count. */
  async scalar(sql: string): Promise<number> {
    const result = await this.exec(sql);
    const value = result.dataset[0]?.[0];
    if (typeof value !== 'number') throw new QuestDbError(`expected one number from QuestDB, got ${JSON.stringify(value)}`, sql);
    return value;
  }

  /** Returns true when QuestDB answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.exec('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

/** Quotes a string literal for QuestDB SQL. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
