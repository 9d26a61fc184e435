import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JsonArrayScanner } from './json-array-scanner.js';
import { InstrumentRowError, normaliseInstrument, type InstrumentRow } from '../normalise/instruments.js';
import { UpstoxSchemaError, UpstoxUnexpectedBodyError } from '../upstox/errors.js';

// Reads a gzipped instruments master (a JSON array of flat objects) as a stream: gunzip,
// then an incremental array scanner that parses one element at a time. Memory stays flat
// whatever the file's size, and the event loop runs between chunks (16 KiB of JSON, about
// 30 rows), so a worker keeps renewing its BullMQ lock during a long parse.

export interface MasterReadOptions {
  /** Rows per yielded batch. */
  readonly batchSize: number;
  /** The API name and request path, for the errors. */
  readonly api: string;
  readonly path: string;
}

/**
 * Yields the rows of a gzipped master file in batches, validated and typed. A truncated or
 * corrupt gzip stream, or JSON that is not one array, throws {@link UpstoxUnexpectedBodyError}
 * (retried); a row that fails validation throws {@link UpstoxSchemaError} with that row as
 * the body to quarantine.
 */
export async function* readInstrumentBatches(compressed: Readable, options: MasterReadOptions): AsyncGenerator<InstrumentRow[]> {
  const scanner = new JsonArrayScanner();
  const json = pipeline(compressed, createGunzip(), () => undefined) as unknown as AsyncIterable<Buffer>;
  let index = 0;
  let batch: InstrumentRow[] = [];
  try {
    for await (const chunk of json) {
      for (const element of scanner.push(chunk)) {
        batch.push(normaliseInstrument(element, index++));
        if (batch.length >= options.batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    scanner.end();
  } catch (error) {
    throw readError(error, options, index);
  } finally {
    // Stops reading when the consumer gives up early, such as after a failed insert.
    compressed.destroy();
  }
  if (batch.length > 0) yield batch;
}

function readError(error: unknown, options: MasterReadOptions, index: number): Error {
  const { api, path } = options;
  if (error instanceof InstrumentRowError) {
    const issues = error.issues.map((issue) => `row ${error.index}: ${issue}`);
    return new UpstoxSchemaError(
      `GET ${path} returned an instruments master whose row ${error.index} does not match the schema: ${error.issues.join('; ')}; ` +
        'the row is kept in quarantine and the previous master stays active',
      { api, path, status: 200, bodySnippet: JSON.stringify(error.row).slice(0, 200) },
      JSON.stringify(error.row),
      issues,
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  let what: string;
  if (code === 'Z_BUF_ERROR') what = `a gzip stream that ends early (a truncated download): ${detail}`;
  else if (typeof code === 'string' && code.startsWith('Z_')) what = `a body that is not valid gzip: ${detail}`;
  else what = `gzipped JSON that is not one array of objects (after ${index} rows): ${detail}`;
  return new UpstoxUnexpectedBodyError(`GET ${path} returned ${what}; the previous master stays active and the job retries it`, {
    api,
    path,
    status: 200,
    bodySnippet: detail.slice(0, 200),
  });
}
