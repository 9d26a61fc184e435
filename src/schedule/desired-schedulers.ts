import type { DesiredScheduler } from '../queue/schedulers.js';
import type { ScheduleConfig, ScheduleEntry, Watchlist } from './schedule-config.js';

/** Turns a watchlist into instrument keys; symbols and queries need the instruments master. */
export interface WatchlistResolver {
  resolve(name: string, watchlist: Watchlist): Promise<string[]>;
}

/** The part of a scheduled job's payload that the worker reads to skip runs while the exchange is closed. */
export interface ScheduleStamp {
  readonly id: string;
  readonly exchange?: string;
  readonly during: ScheduleEntry['during'];
}

/** Resolves only explicit instrument keys, and refuses symbols and queries with the reason. */
export const keysOnlyResolver: WatchlistResolver = {
  async resolve(name, watchlist) {
    if (watchlist.symbols.length > 0 || watchlist.query) {
      throw new Error(`watchlist ${name} uses symbols or a query, which need the instruments master; run the instruments-master job first`);
    }
    return [...watchlist.instruments];
  },
};

/**
 * Builds the job schedulers the file asks for: watchlist references in params become instrument
 * keys, and each payload carries the schedule's stamp. Disabled schedules are left out, so the
 * reconcile removes them.
 */
export async function desiredSchedulers(config: ScheduleConfig, resolver: WatchlistResolver): Promise<DesiredScheduler[]> {
  const resolved = new Map<string, string[]>();
  const keysOf = async (name: string): Promise<string[]> => {
    let keys = resolved.get(name);
    if (!keys) {
      keys = await resolver.resolve(name, config.watchlists[name]!);
      resolved.set(name, keys);
    }
    return keys;
  };
  const desired: DesiredScheduler[] = [];
  for (const entry of config.schedules) {
    if (!entry.enabled) continue;
    const data: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(entry.params)) {
      const watchlist = typeof value === 'string' ? /^\$watchlist:(.+)$/.exec(value)?.[1] : undefined;
      data[name] = watchlist === undefined ? value : await keysOf(watchlist);
    }
    const schedule: ScheduleStamp = { id: entry.id, exchange: entry.exchange, during: entry.during };
    data.schedule = schedule;
    desired.push({ id: entry.id, priority: entry.priority, jobName: entry.job, pattern: entry.cron, tz: entry.tz, data });
  }
  return desired;
}
