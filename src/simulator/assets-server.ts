import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instrumentFilesFor, type MasterFileVariant, type SimulatedMasterFile } from './instrument-files.js';
import { INSTRUMENTS_FILE } from './instruments.js';
import { matchPattern } from './route.js';
import { instrumentFileResponse } from './routes-instruments.js';

// A stand-in for Upstox's static host of master files (assets.upstox.com). That host is
// not the API host and takes no token, so this is a server of its own on loopback: point
// UPSTOX_ASSETS_BASE_URL at its `url`. It serves the same files as the simulator's route,
// and tests switch a file to a fault variant with `serve`.

export interface AssetsSimulatorOptions {
  /** Default 127.0.0.1; only loopback addresses are allowed. */
  readonly host?: string;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Folder of the recorded data; default the repository's data/recorded. */
  readonly dataDir?: string;
}

export interface RunningAssetsSimulator {
  /** Such as http://127.0.0.1:43123. */
  readonly url: string;
  /** Serves `variant` for `file` from now on, at its normal path. */
  serve(file: SimulatedMasterFile, variant: MasterFileVariant): void;
  /** Serves every file normally again. */
  reset(): void;
  /** Requests received so far, per file name such as `NSE.json.gz`. */
  requestCounts(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** Starts the master-file host and resolves once it listens. */
export async function startAssetsSimulator(options: AssetsSimulatorOptions = {}): Promise<RunningAssetsSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!(host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) {
    throw new Error(`invalid assets simulator host ${JSON.stringify(host)}: only loopback addresses (127.0.0.1, ::1, localhost) are allowed`);
  }
  const files = instrumentFilesFor(options.dataDir ?? defaultDataDir());
  const served = new Map<SimulatedMasterFile, MasterFileVariant>();
  const counts: Record<string, number> = {};

  const server = createServer((req, res) => {
    const pathname = (req.url ?? '').split('?', 1)[0]!;
    const segments = pathname.split('/').slice(1);
    const params = matchPattern('market-quote/instruments/exchange/:name', segments) ?? matchPattern('sim/:variant/market-quote/instruments/exchange/:name', segments);
    const answer = async () => {
      if (req.method !== 'GET') return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'only GET is served', headers: { allow: 'GET' } };
      if (!params) return { status: 404, contentType: 'text/plain; charset=utf-8', body: `no file at ${pathname}` };
      const name = params.name ?? '';
      counts[name] = (counts[name] ?? 0) + 1;
      return instrumentFileResponse(files, name, params.variant, (file) => served.get(file) ?? { kind: 'normal' });
    };
    answer().then(
      (response) => {
        const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
        res.writeHead(response.status, { ...response.headers, 'content-type': response.contentType, 'content-length': String(body.length) });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`assets simulator failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    serve: (file, variant) => served.set(file, variant),
    reset: () => served.clear(),
    requestCounts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}

// The module sits at src/simulator (or dist/src/simulator once compiled), so the data folder
// is found by walking up to the directory that contains data/recorded.
function defaultDataDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'data', 'recorded');
    if (existsSync(join(candidate, INSTRUMENTS_FILE))) return candidate;
    if (dirname(dir) === dir) return join(start, '..', '..', 'data', 'recorded');
  }
}
