import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors as undiciErrors } from 'undici';
import { UPSTOX_APIS } from './apis.js';
import { UpstoxAuthError, UpstoxBlockedError, UpstoxInvalidRequestError, UpstoxNetworkError, UpstoxStaticIpError, UpstoxTimeoutError } from './errors.js';
import type { RequestGate, UpstoxHttp } from './http.js';

// The instruments master files are gzipped JSON arrays on a static host of their own
// (assets.upstox.com), sent without a token. The whole NSE file is about 2.4 MB compressed
// and 49 MB of JSON, so the body is streamed to a file while its checksum is computed, and
// nothing holds the whole body in memory.

/** The files Upstox publishes: every exchange, or one exchange. There are no per-segment files. */
export const INSTRUMENT_MASTER_FILES = ['complete', 'NSE', 'BSE', 'MCX'] as const;

export type InstrumentMasterFile = (typeof INSTRUMENT_MASTER_FILES)[number];

/** Returns the URL of one master file under `assetsBaseUrl`, such as https://assets.upstox.com. */
export function instrumentMasterUrl(assetsBaseUrl: string, file: InstrumentMasterFile): string {
  if (!(INSTRUMENT_MASTER_FILES as readonly string[]).includes(file)) {
    throw new RangeError(`invalid instruments master file ${JSON.stringify(file)}: expected one of ${INSTRUMENT_MASTER_FILES.join(', ')}`);
  }
  return `${assetsBaseUrl.replace(/\/+$/, '')}/market-quote/instruments/exchange/${file}.json.gz`;
}

export interface InstrumentMasterRequest {
  readonly file: InstrumentMasterFile;
  /** The host of the files, such as https://assets.upstox.com (the UPSTOX_ASSETS_BASE_URL setting). */
  readonly assetsBaseUrl: string;
  /** The path of the file the compressed body is written to; it is created or replaced. */
  readonly destination: string;
}

/** A master file saved to disk, still gzipped. */
export interface InstrumentMasterDownload {
  readonly url: string;
  /** The URL's path, for errors and the quarantine table. */
  readonly path: string;
  readonly destination: string;
  /** Compressed bytes received. */
  readonly bytes: number;
  /** SHA-256 of the compressed bytes, in lower-case hex. */
  readonly sha256: string;
}

/** The calls for the instruments master files. */
export interface InstrumentMasterApi {
  downloadInstrumentMaster(request: InstrumentMasterRequest): Promise<InstrumentMasterDownload>;
}

/** Binds the instruments master files to a transport and an optional gate. */
export function instrumentMasterApi(http: UpstoxHttp, gate?: RequestGate): InstrumentMasterApi {
  return {
    downloadInstrumentMaster: (request) => downloadInstrumentMaster(http, request, gate),
  };
}

/**
 * Streams one master file to `request.destination` and hashes it on the way. A connection
 * that breaks or stalls mid-body throws the client's network or timeout error, which the
 * worker retries; the caller deletes the partial file.
 */
export async function downloadInstrumentMaster(http: UpstoxHttp, request: InstrumentMasterRequest, gate?: RequestGate): Promise<InstrumentMasterDownload> {
  const url = instrumentMasterUrl(request.assetsBaseUrl, request.file);
  const api = UPSTOX_APIS.instrumentsMaster;
  const path = new URL(url).pathname;
  const response = await http.getStream({ api, url, gate }).catch((error: unknown) => {
    throw fileHostError(error, request.assetsBaseUrl);
  });
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(response.body, tap, createWriteStream(request.destination));
  } catch (error) {
    throw bodyError(error, path, api, bytes);
  }
  return { url, path, destination: request.destination, bytes, sha256: hash.digest('hex') };
}

/**
 * Turns a 401 or a 403 from the file host into a permanent error of this job alone. The host
 * takes no token, so such a response means that UPSTOX_ASSETS_BASE_URL points at the wrong
 * server, not that the token is invalid. As an auth or block error it would pause every
 * queue of the account.
 */
function fileHostError(error: unknown, assetsBaseUrl: string): unknown {
  if (!(error instanceof UpstoxAuthError || error instanceof UpstoxBlockedError || error instanceof UpstoxStaticIpError)) return error;
  return new UpstoxInvalidRequestError(
    `GET ${error.path} was refused with HTTP ${error.status} by ${new URL(assetsBaseUrl).origin}; the instruments files take no token, ` +
      'so UPSTOX_ASSETS_BASE_URL likely points at another server: set it to https://assets.upstox.com, or to the assets URL that "upstox-ingest sim" prints',
    { api: error.api, path: error.path, status: error.status, bodySnippet: error.bodySnippet, cause: error },
  );
}

function bodyError(error: unknown, path: string, api: string, bytes: number): Error {
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new UpstoxTimeoutError(`GET ${path} stalled after ${bytes} bytes of the body; the job retries it`, { api, path, status: 200 });
  }
  // A failed write to the destination (a full disk, a missing folder) is ours, not the network's.
  const syscall = (error as NodeJS.ErrnoException).syscall;
  if (!(error instanceof undiciErrors.UndiciError) && (syscall === 'open' || syscall === 'write' || syscall === 'close')) return error as Error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UpstoxNetworkError(`GET ${path} broke off after ${bytes} bytes of the body: ${detail}; the job retries it`, {
    api,
    path,
    status: 200,
    cause: error,
  });
}
