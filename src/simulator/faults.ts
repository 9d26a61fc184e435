// Injected faults replace or delay the responses to the next `times` requests, in the order
// the faults were injected, so tests can reproduce gateway pages, cut bodies and slow
// responses on demand.

/**
 * One kind of misbehaviour, applied to the next `times` requests (default 1, Infinity allowed).
 * `status` and `truncate` replace the response and skip the auth and rate checks. `delay`
 * only waits, and then the request is checked and counted like any other.
 */
export type Fault =
  | { kind: 'status'; status: number; contentType: string; body: string; times?: number }
  | { kind: 'truncate'; times?: number }
  | { kind: 'delay'; ms: number; times?: number };

interface QueuedFault {
  readonly fault: Fault;
  remaining: number;
}

/** A queue of faults consumed one request at a time. */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  /** Appends faults after those already waiting. */
  add(faults: readonly Fault[]): void {
    for (const fault of faults) {
      const times = fault.times ?? 1;
      if (!(times >= 1) || (!Number.isInteger(times) && times !== Number.POSITIVE_INFINITY)) {
        throw new RangeError(`invalid fault times ${String(fault.times)}: expected a positive integer or Infinity`);
      }
      if (fault.kind === 'delay' && !(fault.ms >= 0)) {
        throw new RangeError(`invalid delay ${String(fault.ms)} ms: expected a number of milliseconds of 0 or more`);
      }
      if (fault.kind === 'status' && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
        throw new RangeError(`invalid fault status ${String(fault.status)}: expected an HTTP status from 100 to 599`);
      }
      this.queue.push({ fault, remaining: times });
    }
  }

  /** Removes every waiting fault. */
  clear(): void {
    this.queue.length = 0;
  }

  /** Returns the fault for the next request and uses up one of its repetitions, or undefined. */
  take(): Fault | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.queue.shift();
    return head.fault;
  }
}
