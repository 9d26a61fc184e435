/** Segments that Upstox accepts in an instrument key, from its OpenAPI document. */
export const SEGMENTS = [
  'NSE_EQ', 'NSE_FO', 'NCD_FO', 'BSE_EQ', 'BSE_FO', 'BCD_FO', 'MCX_FO',
  'NSE_INDEX', 'BSE_INDEX', 'MCX_INDEX', 'NSE_COM', 'GLOBAL_INDEX', 'GLOBAL_INDICATOR',
] as const;

export type Segment = (typeof SEGMENTS)[number];

// The identifier after `|` is an ISIN, an exchange token or an index name. Index names in the
// real NSE master contain spaces and hyphens (`Nifty 50`, `BHARATBOND-APR31`); Upstox's own
// pattern also allows `^`. Expired derivatives add a third part, `|DD-MM-YYYY`.
const KEY_PATTERN = new RegExp(
  `^(${SEGMENTS.join('|')})\\|([A-Za-z0-9_^&.\\-]+(?: [A-Za-z0-9_^&.\\-]+)*)(\\|\\d{2}-\\d{2}-\\d{4})?$`,
);

export class InvalidInstrumentKeyError extends Error {
  readonly code = 'INVALID_INSTRUMENT_KEY';
  constructor(readonly value: string) {
    super(
      `invalid instrument key ${JSON.stringify(value)}: expected SEGMENT|IDENTIFIER such as NSE_EQ|INE002A01018 or ` +
        `"NSE_INDEX|Nifty 50", with SEGMENT one of ${SEGMENTS.join(', ')}; ${hintFor(value)}`,
    );
    this.name = 'InvalidInstrumentKeyError';
  }
}

// Names the most likely mistake: a quote-response key (`NSE_EQ:NHPC`), a lower-case segment,
// or a trading symbol. The instrument's key is in the instruments master (the
// `instrument_key` field), and equities use their ISIN as the identifier.
function hintFor(value: string): string {
  if (/^[A-Z_]+:/.test(value)) {
    return 'quote responses name instruments SEGMENT:SYMBOL, but requests need SEGMENT|IDENTIFIER, with "|" and the ISIN or exchange token';
  }
  const pipe = value.indexOf('|');
  if (pipe > 0 && isInstrumentKey(value.slice(0, pipe).toUpperCase() + value.slice(pipe))) {
    return 'the segment must be upper case';
  }
  return 'a bare trading symbol is not a key: look the symbol up in the instruments master, whose instrument_key field holds the key';
}

/** Returns true when `value` is a well-formed Upstox instrument key. */
export function isInstrumentKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** Throws {@link InvalidInstrumentKeyError} unless `value` is a well-formed instrument key. */
export function assertInstrumentKey(value: string): string {
  if (!isInstrumentKey(value)) throw new InvalidInstrumentKeyError(value);
  return value;
}

/** Returns the segment of a well-formed instrument key, such as `NSE_EQ`. */
export function segmentOf(instrumentKey: string): Segment {
  return assertInstrumentKey(instrumentKey).split('|', 1)[0] as Segment;
}

/**
 * Percent-encodes a key once for a path segment or query value: `|` becomes `%7C` and a space
 * `%20`, never `+`.
 */
export function encodeInstrumentKey(instrumentKey: string): string {
  return encodeURIComponent(assertInstrumentKey(instrumentKey));
}

/** True for segments whose candles carry open interest. */
export function isDerivativeSegment(segment: string): boolean {
  return segment.endsWith('_FO') || segment === 'NSE_COM';
}
