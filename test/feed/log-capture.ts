import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** Creates a trace-level logger that keeps its JSON lines in memory, so tests can read what was logged. */
export function captureLogger(): { log: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { log: pino({ level: 'trace' }, sink), lines, text: () => lines.join('\n') };
}
