import type { SimulatorResponse } from './envelopes.js';
import { instrumentFilesFor, parseVariant, SIMULATED_MASTER_FILES, type InstrumentFiles, type MasterFileVariant, type SimulatedMasterFile } from './instrument-files.js';
import { matchPattern, type SimRoute, type SimRouteContext } from './route.js';

// GET /market-quote/instruments/exchange/{file}.json.gz, the path of Upstox's static master
// files. Tests choose a fault by a path prefix, /sim/{variant}/market-quote/…, which the real
// host does not have: pointing UPSTOX_ASSETS_BASE_URL at http://host/sim/truncated makes
// every download of that worker a truncated one.

const FILE_PATTERN = 'market-quote/instruments/exchange/:name';
const VARIANT_PATTERN = 'sim/:variant/market-quote/instruments/exchange/:name';

/** Returns the simulated endpoints for the instruments master files. */
export function instrumentRoutes(context: SimRouteContext): SimRoute[] {
  const files = instrumentFilesFor(context.dataDir);
  return [
    {
      api: 'instruments-master',
      match: (segments) => matchPattern(FILE_PATTERN, segments) ?? matchPattern(VARIANT_PATTERN, segments),
      handle: (_request, params) => instrumentFileResponse(files, params.name ?? '', params.variant),
    },
  ];
}

/**
 * Answers one file request. `name` is the last path segment (`NSE.json.gz`); `variantName`
 * comes from the `/sim/{variant}` prefix, or `fallback` applies when there is none. An
 * unknown file or variant gets a 404 with a plain-text body.
 */
export async function instrumentFileResponse(
  files: InstrumentFiles,
  name: string,
  variantName: string | undefined,
  fallback: (file: SimulatedMasterFile) => MasterFileVariant = () => ({ kind: 'normal' }),
): Promise<SimulatorResponse> {
  const file = SIMULATED_MASTER_FILES.find((f) => `${f}.json.gz` === name);
  if (!file) return notFound(`no instruments file ${name}; the files are ${SIMULATED_MASTER_FILES.map((f) => `${f}.json.gz`).join(', ')}`);
  const variant = variantName === undefined ? fallback(file) : parseVariant(variantName);
  if (!variant) return notFound(`no simulator variant ${variantName}; use normal, republished, truncated, invalid-json, empty, large or large-N`);
  // NOTE: the real host's content type and caching headers are not recorded; a gzip body
  // without Content-Encoding is what the client expects either way.
  return { status: 200, contentType: 'application/gzip', body: await files.body(file, variant) };
}

function notFound(message: string): SimulatorResponse {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: message };
}
