import { z } from 'zod';
import { normaliseCandles } from '../src/candles/normalise.js';
import { buildJobId } from '../src/ids/job-id.js';
import { istDateOf } from '../src/time/ist.js';
import { intervalLabel, isIntradayUnit, type CandleUnit } from '../src/upstox/candle-units.js';
import { instrumentKeyListField } from './payload-fields.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

const payloadSchema = z.object({
  instrumentKeys: instrumentKeyListField,
});

type Payload = z.infer<typeof payloadSchema>;

// The day's bars come from the intraday endpoint, which after the close holds the whole
// session; the historical endpoint has them only from the next day.
const SERIES: readonly { unit: CandleUnit; interval: number }[] = [
  { unit: 'minutes', interval: 1 },
  { unit: 'days', interval: 1 },
];

/**
 * Stores the day's 1-minute and daily candles of a watchlist after the close. Each run
 * rewrites the same bars, so running it again, or after a crash, changes nothing.
 */
export const candlesEodJob: SnapshotJobDefinition<Payload> = {
  name: 'candles-eod',
  description: "store today's 1-minute and daily candles of the given instruments (run after the close)",
  payloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('candles-eod', account, payload.instrumentKeys.length === 1 ? payload.instrumentKeys[0]! : `${payload.instrumentKeys.length}keys`),
  async run(payload, deps) {
    const today = istDateOf(deps.now());
    let requestsMade = 0;
    let rowsWritten = 0;
    for (const instrumentKey of payload.instrumentKeys) {
      for (const { unit, interval } of SERIES) {
        requestsMade++;
        const response = await deps.api.intradayCandles({ instrumentKey, unit, interval });
        const { rows } = normaliseCandles({
          instrumentKey,
          interval: intervalLabel(unit, interval),
          source: 'intraday',
          candles: response.candles,
          window: { fromDate: today, toDate: today },
        });
        if (rows.length === 0) continue;
        const table = isIntradayUnit(unit) ? 'candles_intraday' : 'candles_daily';
        await deps.candles.write(table, rows);
        await deps.candles.verify(table, rows);
        rowsWritten += rows.length;
      }
    }
    return { requestsMade, rowsWritten, state: 'done', detail: `${payload.instrumentKeys.length} instrument(s) on ${today}` };
  },
};
