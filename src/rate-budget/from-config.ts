import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { parseBudgetGroups, RateBudget } from './rate-budget.js';

/** Creates the configured account's rate budget on a Redis connection. */
export function createRateBudget(config: Config, redis: Redis, account = config.upstox.account): RateBudget {
  const settings = config.rateBudget;
  return new RateBudget({
    redis,
    keyPrefix: config.redis.queuePrefix,
    account,
    limits: settings.limits,
    windowScale: settings.windowScale,
    marginMs: settings.marginMs,
    reserve: settings.reserve,
    groupOf: parseBudgetGroups(settings.groups),
  });
}
