import type { JobSchedulerTemplateOptions } from 'bullmq';
import { KEEP_COMPLETED_SECONDS, KEEP_FAILED_SECONDS, PRIORITY_CLASSES, type PriorityClass } from './names.js';
import type { JobProducer } from './producer.js';

/** One job scheduler as the schedule file asks for it. */
export interface DesiredScheduler {
  /** The schedule's stable id; BullMQ keeps one scheduler per id. */
  readonly id: string;
  readonly priority: PriorityClass;
  readonly jobName: string;
  readonly pattern: string;
  readonly tz: string;
  /** The payload of every job it creates. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** A job scheduler as BullMQ holds it. */
export interface ExistingScheduler {
  readonly id: string;
  readonly priority: PriorityClass;
  readonly jobName: string;
  readonly pattern: string | undefined;
  readonly tz: string | undefined;
  /** The next run, in epoch milliseconds. */
  readonly next: number | undefined;
  readonly data: unknown;
}

export interface ReconcileResult {
  readonly created: string[];
  readonly updated: string[];
  readonly removed: string[];
  readonly unchanged: string[];
}

/** Lists the job schedulers of an account's queues. */
export async function listSchedulers(producer: JobProducer): Promise<ExistingScheduler[]> {
  const all: ExistingScheduler[] = [];
  for (const priority of PRIORITY_CLASSES) {
    for (const s of await producer.queues[priority].getJobSchedulers(0, -1, true)) {
      all.push({ id: s.id ?? s.key, priority, jobName: s.name, pattern: s.pattern, tz: s.tz, next: s.next, data: s.template?.data });
    }
  }
  return all;
}

/**
 * Makes BullMQ's job schedulers match `desired`: creates the missing ones, updates those whose
 * cron, zone, job or payload changed, removes those no longer wanted, and leaves identical ones
 * alone, so restarting the scheduler does not touch a running iteration. Only the scheduler
 * process calls this.
 */
export async function reconcileSchedulers(producer: JobProducer, desired: readonly DesiredScheduler[], attempts: number): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: [], updated: [], removed: [], unchanged: [] };
  const existing = await listSchedulers(producer);
  const wanted = new Map(desired.map((d) => [d.id, d]));
  const opts: JobSchedulerTemplateOptions = {
    attempts,
    backoff: { type: 'jitter' },
    removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
    removeOnFail: { age: KEEP_FAILED_SECONDS },
  };
  for (const current of existing) {
    const target = wanted.get(current.id);
    // A scheduler that moved to another priority class is removed from its old queue.
    if (!target || target.priority !== current.priority) {
      await producer.queues[current.priority].removeJobScheduler(current.id);
      if (!target) result.removed.push(current.id);
    }
  }
  for (const target of desired) {
    const current = existing.find((e) => e.id === target.id && e.priority === target.priority);
    const same =
      current !== undefined &&
      current.pattern === target.pattern &&
      current.tz === target.tz &&
      current.jobName === target.jobName &&
      JSON.stringify(current.data ?? {}) === JSON.stringify(target.data);
    if (same) {
      result.unchanged.push(target.id);
      continue;
    }
    await producer.queues[target.priority].upsertJobScheduler(target.id, { pattern: target.pattern, tz: target.tz }, { name: target.jobName, data: target.data, opts });
    (current ? result.updated : result.created).push(target.id);
  }
  return result;
}
