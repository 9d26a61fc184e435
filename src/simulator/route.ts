import type { SimulatorResponse } from './envelopes.js';

// The interface every simulated endpoint implements. The server matches the request path
// against each route in turn, checks the token and the route's rate windows, then calls it.

/** A request as a route sees it, after the token check. */
export interface SimRequest {
  /** Path segments as received on the wire, still percent-encoded, without the leading empty one. */
  readonly segments: readonly string[];
  /** Query parameters, each decoded exactly once (`+` stays `+`). A repeated name keeps the last value. */
  readonly query: ReadonlyMap<string, string>;
  /** The account label of the bearer token. */
  readonly account: string;
  /** The simulator's clock, in epoch milliseconds. */
  readonly now: number;
}

/** Settings of the simulated accounts that account endpoints consult. */
export interface SimAccountSettings {
  /** False when the request does not come from the account's registered static IP. */
  readonly staticIpAllowed: boolean;
  /** False when the account has no Upstox Plus plan (expired-instrument APIs need one). */
  readonly plus: boolean;
}

export interface SimRouteContext {
  /** The recorded data folder. */
  readonly dataDir: string;
  readonly account: (label: string) => SimAccountSettings;
}

export interface SimRoute {
  /** The rate-limit bucket, equal to the client's API name, such as `full-market-quote`. */
  readonly api: string;
  /** Returns the route's parameters (still encoded) when the path matches, else undefined. */
  match(segments: readonly string[]): Readonly<Record<string, string>> | undefined;
  handle(request: SimRequest, params: Readonly<Record<string, string>>): SimulatorResponse | Promise<SimulatorResponse>;
}

/** Matches segments against a pattern such as `v2/market-quote/quotes` or `v2/market/status/:exchange`. */
export function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/** Decodes one percent-encoded component exactly once; undefined when it is malformed. */
export function decodeOnce(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Parses a raw query string, decoding each name and value exactly once. */
export function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeOnce(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeOnce(eq < 0 ? '' : pair.slice(eq + 1));
    if (name !== undefined && value !== undefined) query.set(name, value);
  }
  return query;
}
