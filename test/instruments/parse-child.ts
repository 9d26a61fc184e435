// Parses a gzipped master file given on the command line in a process of its own, and prints
// one JSON line: rows read, the resident set before and at its peak, and the longest time
// the event loop was blocked. The memory test runs it, so the figures are this parse alone.
import { createReadStream, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readInstrumentBatches } from '../../src/instruments/master-reader.js';

const peakMb = (): number => Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

const startRssMb = process.memoryUsage().rss / 2 ** 20;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let rows = 0;
for await (const batch of readInstrumentBatches(createReadStream(process.argv[2]!), { batchSize: 100, api: 'instruments-master', path: '/test' })) {
  rows += batch.length;
}
delay.disable();
console.log(JSON.stringify({ rows, startRssMb, peakRssMb: peakMb(), maxDelayMs: delay.max / 1e6 }));
