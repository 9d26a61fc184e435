import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// Binary frames of the Market Data Feed V3 are protobuf `FeedResponse` messages. They are
// decoded with Upstox's own schema (vendor/upstox/proto/MarketDataFeedV3.proto) into the
// proto3 JSON shape of the recorded frames and the sample bodies. In that shape int64 fields
// are decimal strings (exact, because protobufjs reads them as Long values first), enums are
// names, and fields equal to their default value are left out. A left-out field is not a
// zero: the feed sends deltas, so the normaliser keeps the last value it saw.

const PROTO_FILE = join('vendor', 'upstox', 'proto', 'MarketDataFeedV3.proto');
const FEED_RESPONSE_TYPE = 'com.upstox.marketdatafeederv3udapi.rpc.proto.FeedResponse';

/** Conversion to plain objects, matching the proto3 JSON form of the samples. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false };

/** An int64 field as a decimal string, such as `"1740631251000"`. */
export type Int64 = string;

/** An enum value by name; a value the schema does not know stays a number. */
export type EnumValue = string | number;

export interface LtpcJson {
  /** Last traded price, rupees. */
  readonly ltp?: number;
  /** Last trade time, epoch milliseconds. */
  readonly ltt?: Int64;
  /** Last traded quantity. */
  readonly ltq?: Int64;
  /** Previous session's close, rupees. */
  readonly cp?: number;
}

export interface QuoteJson {
  readonly bidQ?: Int64;
  readonly bidP?: number;
  readonly askQ?: Int64;
  readonly askP?: number;
}

export interface OptionGreeksJson {
  readonly delta?: number;
  readonly theta?: number;
  readonly gamma?: number;
  readonly vega?: number;
  readonly rho?: number;
}

export interface OhlcJson {
  /** `1d`, `I1` or `I30`. */
  readonly interval?: string;
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
  readonly close?: number;
  readonly vol?: Int64;
  /** Bar start, epoch milliseconds. */
  readonly ts?: Int64;
}

export interface MarketOhlcJson {
  readonly ohlc?: readonly OhlcJson[];
}

export interface MarketFullFeedJson {
  readonly ltpc?: LtpcJson;
  readonly marketLevel?: { readonly bidAskQuote?: readonly QuoteJson[] };
  readonly optionGreeks?: OptionGreeksJson;
  readonly marketOHLC?: MarketOhlcJson;
  /** Average traded price. */
  readonly atp?: number;
  /** Volume traded today. */
  readonly vtt?: Int64;
  /** Open interest. */
  readonly oi?: number;
  /** Implied volatility. */
  readonly iv?: number;
  /** Total buy quantity. */
  readonly tbq?: number;
  /** Total sell quantity. */
  readonly tsq?: number;
}

export interface IndexFullFeedJson {
  readonly ltpc?: LtpcJson;
  readonly marketOHLC?: MarketOhlcJson;
}

export interface FirstLevelWithGreeksJson {
  readonly ltpc?: LtpcJson;
  readonly firstDepth?: QuoteJson;
  readonly optionGreeks?: OptionGreeksJson;
  readonly vtt?: Int64;
  readonly oi?: number;
  readonly iv?: number;
}

/** One instrument's entry of a frame; at most one of `ltpc`, `fullFeed`, `firstLevelWithGreeks` is set. */
export interface FeedJson {
  readonly ltpc?: LtpcJson;
  readonly fullFeed?: { readonly marketFF?: MarketFullFeedJson; readonly indexFF?: IndexFullFeedJson };
  readonly firstLevelWithGreeks?: FirstLevelWithGreeksJson;
  /** `ltpc` (left out, being the default), `full_d5`, `option_greeks` or `full_d30`. */
  readonly requestMode?: EnumValue;
}

/** A decoded `FeedResponse`. `type` is left out on the initial snapshot, whose enum value is 0. */
export interface FeedResponseJson {
  readonly type?: EnumValue;
  /** Keyed by instrument key in pipe form, such as `NSE_INDEX|Nifty 50`. */
  readonly feeds?: Readonly<Record<string, FeedJson>>;
  /** When Upstox sent the frame, epoch milliseconds. */
  readonly currentTs?: Int64;
  readonly marketInfo?: { readonly segmentStatus?: Readonly<Record<string, EnumValue>> };
}

/** A binary frame that is not a valid `FeedResponse`. */
export class FeedDecodeError extends Error {
  readonly code = 'FEED_DECODE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedDecodeError';
  }
}

let feedResponseType: protobuf.Type | undefined;

/** Loads the `FeedResponse` type from the vendored schema once per process. */
export function feedResponseSchema(): protobuf.Type {
  feedResponseType ??= protobuf.loadSync(findProtoFile()).resolveAll().lookupType(FEED_RESPONSE_TYPE);
  return feedResponseType;
}

/** Decodes one binary frame into the proto3 JSON shape; throws {@link FeedDecodeError} on bytes that do not parse. */
export function decodeFeedResponse(bytes: Uint8Array): FeedResponseJson {
  const type = feedResponseSchema();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (error) {
    throw new FeedDecodeError(`a feed frame of ${bytes.length} bytes is not a valid FeedResponse: ${(error as Error).message}`, { cause: error });
  }
  return type.toObject(message, TO_OBJECT) as FeedResponseJson;
}

/**
 * Encodes a frame in the proto3 JSON shape to bytes, as Upstox sends it; used by the simulator
 * and the tests. Scalars equal to their default are left off the wire, as Upstox's encoder
 * does, although protobufjs would write a zero that was set explicitly.
 */
export function encodeFeedResponse(frame: FeedResponseJson): Uint8Array {
  // `fromObject` converts int64 strings exactly; `verify` is skipped because it rejects them.
  const type = feedResponseSchema();
  const message = type.fromObject(frame as Record<string, unknown>);
  dropDefaults(type, message as unknown as Record<string, unknown>);
  return type.encode(message).finish();
}

// Deletes scalar and enum fields that hold their default value, in nested messages too. Map
// values stay, because a map entry exists even when its value is the default.
function dropDefaults(type: protobuf.Type, message: Record<string, unknown>): void {
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (field.map) {
      if (nested) for (const entry of Object.values(value as Record<string, Record<string, unknown>>)) dropDefaults(nested, entry);
    } else if (field.repeated) {
      if (nested) for (const entry of value as Record<string, unknown>[]) dropDefaults(nested, entry);
    } else if (nested) {
      dropDefaults(nested, value as Record<string, unknown>);
    } else if (isDefaultValue(value)) {
      delete message[field.name];
    }
  }
}

function isDefaultValue(value: unknown): boolean {
  if (value === 0 || value === '' || value === false) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  // protobufjs stores int64 values as Long objects.
  const long = value as { low?: unknown; high?: unknown };
  return typeof value === 'object' && long.low === 0 && long.high === 0;
}

// The module sits at src/feed (or dist/src/feed once compiled), so the schema is found by
// walking up to the folder that contains vendor/upstox/proto.
function findProtoFile(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, PROTO_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find ${PROTO_FILE} in any folder above ${start}; run from a checkout that contains the vendor folder`);
  }
}
