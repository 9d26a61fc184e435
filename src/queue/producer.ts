import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { KEEP_COMPLETED_SECONDS, KEEP_FAILED_SECONDS, PRIORITY, type PriorityClass } from './names.js';

export interface EnqueueItem {
  /** Derived from the work; BullMQ ignores an add whose id is already queued or running. */
  readonly jobId: string;
  readonly name: string;
  readonly data: Record<string, unknown>;
}

/** Adds jobs to one account's queue. */
export class JobProducer {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string, queueName: string, private readonly attempts: number) {
    this.queue = new Queue(queueName, { connection, prefix });
  }

  /**
   * Adds jobs by their derived ids. A job that already finished under the same id is removed
   * first, because the ledger asked for the work again (a failed or suspect chunk, or a
   * refetch); a job that is still waiting or running is left alone, so the same work is never
   * queued twice. Errors from BullMQ (such as an invalid id) are thrown, never swallowed.
   */
  async enqueue(items: readonly EnqueueItem[], priority: PriorityClass): Promise<{ added: number; alreadyQueued: number }> {
    let added = 0;
    let alreadyQueued = 0;
    const options: JobsOptions = {
      attempts: this.attempts,
      backoff: { type: 'jitter' },
      priority: PRIORITY[priority],
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_FAILED_SECONDS },
    };
    for (const item of items) {
      const existing = await this.queue.getJob(item.jobId);
      if (existing) {
        const state = await existing.getState();
        if (state === 'completed' || state === 'failed') {
          await existing.remove();
        } else {
          alreadyQueued++;
          continue;
        }
      }
      await this.queue.add(item.name, item.data, { ...options, jobId: item.jobId });
      added++;
    }
    return { added, alreadyQueued };
  }

  /** Counts jobs by state. */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
  }

  async isPaused(): Promise<boolean> {
    return this.queue.isPaused();
  }

  /** Resumes an account's queue after an operator fixed the cause of a pause. */
  async resume(): Promise<void> {
    await this.queue.resume();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
