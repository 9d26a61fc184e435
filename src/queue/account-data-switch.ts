import type { Redis } from 'ioredis';

/**
 * Per account, whether its account-data jobs may call Upstox. A static-IP rejection turns it
 * off for every worker at once; `upstox-ingest resume` turns it on again.
 */
export class AccountDataSwitch {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Disables account data; returns true when this call disabled it. */
  async disable(account: string, reason: string): Promise<boolean> {
    return (await this.redis.set(this.key(account), reason, 'NX')) === 'OK';
  }

  /** Returns the reason account data is disabled, or undefined when it is enabled. */
  async disabledReason(account: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(account))) ?? undefined;
  }

  /** Enables account data again; returns true when it was disabled. */
  async enable(account: string): Promise<boolean> {
    return (await this.redis.del(this.key(account))) === 1;
  }

  private key(account: string): string {
    return `${this.prefix}:account-data-disabled:${account}`;
  }
}
