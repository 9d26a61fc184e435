import type { RequestGate, UpstoxHttp } from './http.js';

/** The calls for the instruments master files. */
export type InstrumentMasterApi = Record<never, never>;

/** Binds the instruments master files to a transport and an optional gate. */
export function instrumentMasterApi(_http: UpstoxHttp, _gate?: RequestGate): InstrumentMasterApi {
  return {};
}
