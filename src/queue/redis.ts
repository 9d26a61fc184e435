import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

/**
 * Opens a Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ requires for
 * connections that block (workers); it is harmless for the others.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
