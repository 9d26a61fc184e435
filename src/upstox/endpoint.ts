import { z } from 'zod';
import { UpstoxSchemaError } from './errors.js';
import type { RequestGate, UpstoxHttp } from './http.js';

/** A validated success response: the `data` member, and what the quarantine table needs. */
export interface EndpointResponse<T> {
  readonly data: T;
  /** The whole parsed body, for sibling blocks such as `meta_data`. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly path: string;
  readonly status: number;
  readonly rawBody: string;
}

export interface EndpointRequest {
  readonly api: string;
  /** Already encoded. */
  readonly path: string;
  /** Values already encoded once. */
  readonly query?: Readonly<Record<string, string>>;
  readonly gate?: RequestGate;
}

/**
 * Sends one GET and validates the `data` member of the success envelope with `schema`. Object
 * schemas should be loose (`z.looseObject`), so fields that Upstox adds later are tolerated.
 * A body that does not match throws {@link UpstoxSchemaError} with the raw body.
 */
export async function getEndpoint<S extends z.ZodType>(http: UpstoxHttp, request: EndpointRequest, schema: S): Promise<EndpointResponse<z.infer<S>>> {
  const response = await http.get(request);
  const body = response.body as Record<string, unknown>;
  const result = schema.safeParse(body.data);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 10).map((i) => `data.${i.path.join('.')}: ${i.message}`);
    throw new UpstoxSchemaError(
      `GET ${response.path} returned a body that does not match the ${request.api} schema: ${issues.join('; ')}`,
      { api: request.api, path: response.path, status: response.status, bodySnippet: response.rawBody.slice(0, 200) },
      response.rawBody,
      issues,
    );
  }
  return { data: result.data, body, path: response.path, status: response.status, rawBody: response.rawBody };
}

/** Builds a query value from instrument keys: each encoded once, joined with literal commas. */
export function encodeKeyList(keys: readonly string[], encode: (key: string) => string): string {
  return keys.map(encode).join(',');
}
