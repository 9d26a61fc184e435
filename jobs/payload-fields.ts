import { z } from 'zod';
import { isIsoDate } from '../src/time/ist.js';
import { InvalidInstrumentKeyError, isInstrumentKey } from '../src/upstox/instrument-key.js';

// Payload fields shared by the job definitions. Lists also accept one comma-separated
// string, which is what `upstox-ingest snapshot <job> --set name=a,b` produces.

/** A calendar date written `YYYY-MM-DD`. */
export const isoDateField = z.string().refine(isIsoDate, 'expected a date as YYYY-MM-DD, such as 2024-03-28');

/** One instrument key, such as `NSE_EQ|INE002A01018`. An invalid key gets the explanation that `backfill` gives. */
export const instrumentKeyField = z.string().superRefine((value, ctx) => {
  if (!isInstrumentKey(value)) ctx.addIssue({ code: 'custom', message: new InvalidInstrumentKeyError(value).message });
});

/** A non-empty list of instrument keys, deduplicated in order. */
export const instrumentKeyListField = z
  .preprocess((value) => (typeof value === 'string' ? value.split(',').map((k) => k.trim()).filter(Boolean) : value), z.array(instrumentKeyField).min(1))
  .transform((keys) => [...new Set(keys)]);
