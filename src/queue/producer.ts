import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ingestQueueName, KEEP_COMPLETED_SECONDS, KEEP_FAILED_SECONDS, PRIORITY_CLASSES, type PriorityClass } from './names.js';

const ENQUEUE_BATCH = 500;

export interface EnqueueItem {
  /** Derived from the work; BullMQ ignores an add whose id is already queued or running. */
  readonly jobId: string;
  readonly name: string;
  readonly data: Record<string, unknown>;
}

/** Adds jobs to an account's queues and controls them. */
export class JobProducer {
  readonly queues: Readonly<Record<PriorityClass, Queue>>;

  constructor(connection: Redis, prefix: string, account: string, private readonly attempts: number) {
    const entries = PRIORITY_CLASSES.map((priority) => [priority, new Queue(ingestQueueName(account, priority), { connection, prefix })] as const);
    this.queues = Object.fromEntries(entries) as Record<PriorityClass, Queue>;
  }

  /**
   * Adds jobs by their derived ids to the queue of `priority`. A job that already finished
   * under the same id is removed first, because the ledger asked for the work again (a failed
   * or suspect chunk, or a refetch); a job that is still waiting or running is left alone, so
   * the same work is never queued twice. Errors from BullMQ (such as an invalid id) are
   * thrown, never swallowed.
   */
  async enqueue(items: readonly EnqueueItem[], priority: PriorityClass): Promise<{ added: number; alreadyQueued: number }> {
    const queue = this.queues[priority];
    const options: JobsOptions = {
      attempts: this.attempts,
      backoff: { type: 'jitter' },
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_FAILED_SECONDS },
    };
    let added = 0;
    let alreadyQueued = 0;
    // Batches keep a backfill of thousands of chunks to a few round trips per batch.
    for (let start = 0; start < items.length; start += ENQUEUE_BATCH) {
      const batch = items.slice(start, start + ENQUEUE_BATCH);
      const states = await Promise.all(batch.map((item) => queue.getJobState(item.jobId)));
      const finished = batch.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
      await Promise.all(finished.map((item) => queue.remove(item.jobId)));
      const fresh = batch.filter((_, i) => states[i] === 'unknown' || states[i] === 'completed' || states[i] === 'failed');
      if (fresh.length > 0) await queue.addBulk(fresh.map((item) => ({ name: item.name, data: item.data, opts: { ...options, jobId: item.jobId } })));
      added += fresh.length;
      alreadyQueued += batch.length - fresh.length;
    }
    return { added, alreadyQueued };
  }

  /** Counts jobs by state, per priority class. */
  async counts(): Promise<Record<PriorityClass, Record<string, number>>> {
    const result = {} as Record<PriorityClass, Record<string, number>>;
    for (const priority of PRIORITY_CLASSES) {
      result[priority] = await this.queues[priority].getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    }
    return result;
  }

  /** Returns true when any of the account's queues is paused. */
  async isPaused(): Promise<boolean> {
    for (const priority of PRIORITY_CLASSES) if (await this.queues[priority].isPaused()) return true;
    return false;
  }

  /** Pauses all the account's queues: no worker takes a new job until `resume`. */
  async pause(): Promise<void> {
    for (const priority of PRIORITY_CLASSES) await this.queues[priority].pause();
  }

  /** Resumes all the account's queues after an operator fixed the cause of a pause. */
  async resume(): Promise<void> {
    for (const priority of PRIORITY_CLASSES) await this.queues[priority].resume();
  }

  async close(): Promise<void> {
    for (const priority of PRIORITY_CLASSES) await this.queues[priority].close();
  }
}
