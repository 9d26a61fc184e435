import cliProgress from 'cli-progress';
import type { BackfillProgress } from '../stores/postgres/chunk-ledger.js';

/** Shows backfill progress: a bar on a terminal, a line every 10 seconds otherwise. */
export function createProgressReporter(unit: string): { update: (progress: BackfillProgress) => void; stop: () => void } {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `{bar} {value}/{total} ${unit} | {rows} rows | ETA {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(progress) {
        if (!started) {
          bar.start(progress.total, progress.finished, { rows: progress.rowsWritten });
          started = true;
        }
        bar.update(progress.finished, { rows: progress.rowsWritten });
      },
      stop: () => bar.stop(),
    };
  }
  let lastPrinted = 0;
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastPrinted < 10_000 && progress.finished < progress.total) return;
      lastPrinted = now;
      console.log(`progress: ${progress.finished}/${progress.total} ${unit}, ${progress.rowsWritten} rows`);
    },
    stop: () => undefined,
  };
}
