import { Sender } from '@questdb/nodejs-client';

export interface SenderPoolOptions {
  readonly httpUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** Per HTTP request of a flush. */
  readonly requestTimeoutMs?: number;
  /** How long the client itself retries a failed flush before giving up. */
  readonly retryTimeoutMs?: number;
}

/**
 * Builds the ILP-over-HTTP configuration string. `protocol_version` is pinned because `auto`
 * asks the server at creation time, so creating a sender would fail while QuestDB is down.
 * Auto-flush is off: the writers flush explicitly and await each flush.
 */
export function senderConfig(options: SenderPoolOptions): string {
  const url = new URL(options.httpUrl);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port || (scheme === 'https' ? '443' : '80');
  const parts = [
    `${scheme}::addr=${url.hostname}:${port}`,
    'protocol_version=2',
    'auto_flush=off',
    `request_timeout=${options.requestTimeoutMs ?? 30_000}`,
    `retry_timeout=${options.retryTimeoutMs ?? 10_000}`,
  ];
  if (options.username) parts.push(`username=${options.username}`, `password=${options.password ?? ''}`);
  return `${parts.join(';')};`;
}

/**
 * Lends each job a sender of its own. A sender's buffer must never be shared by concurrent
 * jobs, because a flush sends whatever rows the buffer holds at that moment.
 */
export class SenderPool {
  private readonly idle: Sender[] = [];
  private readonly config: string;
  private closed = false;

  constructor(options: SenderPoolOptions) {
    this.config = senderConfig(options);
  }

  /** Runs `work` with a sender that no one else uses meanwhile. */
  async use<T>(work: (sender: Sender) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the QuestDB sender pool is closed');
    const sender = this.idle.pop() ?? (await Sender.fromConfig(this.config));
    let healthy = false;
    try {
      const result = await work(sender);
      healthy = true;
      return result;
    } finally {
      if (healthy && !this.closed) {
        this.idle.push(sender);
      } else {
        // After a failure the buffer may hold rows of the failed job; drop the sender.
        sender.reset();
        await sender.close().catch(() => undefined);
      }
    }
  }

  /** Closes every idle sender. Senders in use close when their job returns them. */
  async close(): Promise<void> {
    this.closed = true;
    const senders = this.idle.splice(0);
    await Promise.all(senders.map((s) => s.close().catch(() => undefined)));
  }
}
