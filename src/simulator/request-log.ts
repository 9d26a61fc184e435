/** One request as the simulator received it, with the status of its response. */
export interface RequestLogEntry {
  readonly method: string;
  /** The request target exactly as sent on the wire, still percent-encoded, query included. */
  readonly rawPath: string;
  readonly status: number;
  /** Wall-clock time of the response, epoch ms (Date.now, not the simulator's `now` option). */
  readonly at: number;
}

/** The last `capacity` requests, in a ring buffer so a long test run keeps memory bounded. */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** Records one request, dropping the oldest once the log is full. */
  push(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Returns the recorded requests, oldest first. */
  list(): RequestLogEntry[] {
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }
}
