import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { normaliseFullQuotes, normaliseLtpQuotes, normaliseOhlcQuotes } from '../src/normalise/quotes.js';
import { QUOTES_TABLE } from '../src/stores/questdb/quote-tables.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { MAX_QUOTE_KEYS, OHLC_INTERVALS } from '../src/upstox/quotes.js';
import { instrumentKeyListField } from './payload-fields.js';
import { asOfField, keyListId, runBatchedSnapshot, snapshotTimes } from './quote-batches.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

// Quote snapshots into the QuestDB `quotes` table. Each job takes any number of instrument
// keys and sends one request per 500 of them.

const quotePayloadSchema = z.object({
  instrumentKeys: instrumentKeyListField,
  asOf: asOfField,
});
export type QuotePayload = z.infer<typeof quotePayloadSchema>;

const ohlcPayloadSchema = quotePayloadSchema.extend({ interval: z.enum(OHLC_INTERVALS) });
export type OhlcPayload = z.infer<typeof ohlcPayloadSchema>;

function quoteJobId(name: string, payload: QuotePayload, account: string, ...extra: string[]): string {
  const parts = [account, ...extra, keyListId(payload.instrumentKeys)];
  if (payload.asOf !== undefined) parts.push(payload.asOf);
  return buildJobId(name, ...parts);
}

/** Full market quotes: last price, day OHLC, depth, volume, OI and circuit limits, stamped at the last trade. */
export const fullQuoteJob: SnapshotJobDefinition<QuotePayload> = {
  name: 'quotes-full',
  description: 'store full market quotes (stamped at the last trade) in the quotes table',
  payloadSchema: quotePayloadSchema,
  accountData: false,
  jobId: (payload, account) => quoteJobId('quotes-full', payload, account),
  run: (payload, deps) => {
    const times = snapshotTimes(payload.asOf, deps.now());
    return runBatchedSnapshot(
      {
        api: UPSTOX_APIS.fullMarketQuote,
        keys: payload.instrumentKeys,
        batchSize: MAX_QUOTE_KEYS,
        spec: QUOTES_TABLE,
        fetch: (keys) => deps.api.fullMarketQuotes(keys),
        normalise: (keys, data) => normaliseFullQuotes(keys, data, times),
      },
      deps,
    );
  },
};

/** OHLC V3: the live and the previous bar of one interval, stamped at the live bar's start. */
export const ohlcQuoteJob: SnapshotJobDefinition<OhlcPayload> = {
  name: 'quotes-ohlc',
  description: 'store OHLC V3 quotes (interval 1d, I1 or I30; stamped at the live bar) in the quotes table',
  payloadSchema: ohlcPayloadSchema,
  accountData: false,
  jobId: (payload, account) => quoteJobId('quotes-ohlc', payload, account, payload.interval),
  run: (payload, deps) => {
    const times = snapshotTimes(payload.asOf, deps.now());
    return runBatchedSnapshot(
      {
        api: UPSTOX_APIS.ohlcQuotes,
        keys: payload.instrumentKeys,
        batchSize: MAX_QUOTE_KEYS,
        spec: QUOTES_TABLE,
        fetch: (keys) => deps.api.ohlcQuotes(keys, payload.interval),
        normalise: (keys, data) => normaliseOhlcQuotes(keys, data, payload.interval, times),
      },
      deps,
    );
  },
};

/** LTP V3: last price, last traded quantity, volume and previous close, stamped at the snapshot slot. */
export const ltpQuoteJob: SnapshotJobDefinition<QuotePayload> = {
  name: 'quotes-ltp',
  description: 'store LTP V3 quotes (stamped at asOf or the poll minute) in the quotes table',
  payloadSchema: quotePayloadSchema,
  accountData: false,
  jobId: (payload, account) => quoteJobId('quotes-ltp', payload, account),
  run: (payload, deps) => {
    const times = snapshotTimes(payload.asOf, deps.now());
    return runBatchedSnapshot(
      {
        api: UPSTOX_APIS.ltpQuotes,
        keys: payload.instrumentKeys,
        batchSize: MAX_QUOTE_KEYS,
        spec: QUOTES_TABLE,
        fetch: (keys) => deps.api.ltpQuotes(keys),
        normalise: (keys, data) => normaliseLtpQuotes(keys, data, times),
      },
      deps,
    );
  },
};

/** The jobs for quote snapshots (full market quote, OHLC V3, LTP V3). */
export const quoteJobs = [fullQuoteJob, ohlcQuoteJob, ltpQuoteJob] as const;
