import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { normaliseFunds, normaliseFundsV3, normaliseHoldings, normalisePositions, normaliseProfile } from '../src/normalise/account-portfolio.js';
import { storeFunds, storeHoldings, storePositions, storeProfile } from '../src/stores/postgres/account.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { normaliseResponse, snapshotContext, snapshotScope } from './account-common.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

// Daily snapshots of the profile, funds, holdings and positions. The snapshot date is the
// IST date when the job runs; a second run on the same day replaces that day's rows.

// The payload has no fields. Unknown keys are dropped, not rejected, because the worker adds
// its own bookkeeping (such as a count of rate-limit deferrals) to the job's data.
const emptyPayload = z.object({});
type EmptyPayload = z.infer<typeof emptyPayload>;

/** The user profile of the day. */
export const accountProfileJob: SnapshotJobDefinition<EmptyPayload> = {
  name: 'account-profile',
  description: "store the account's profile as today's snapshot in account_profiles",
  payloadSchema: emptyPayload,
  accountData: true,
  jobId: (_payload, account) => buildJobId('account-profile', account),
  run: async (_payload, deps) => {
    const scope = snapshotScope(deps);
    const response = await deps.api.profile();
    const row = normaliseResponse(response, UPSTOX_APIS.profile, () => normaliseProfile(response.data, snapshotContext(deps, scope)));
    const rowsWritten = await storeProfile(deps.postgres, scope, row);
    return { requestsMade: 1, rowsWritten, state: 'done', detail: `profile of ${scope.snapshotDate}` };
  },
};

/** V2 funds per segment and V3 funds, as one snapshot. */
export const accountFundsJob: SnapshotJobDefinition<EmptyPayload> = {
  name: 'account-funds',
  description: "store today's funds and margin (V2 per segment, V3 totals) in account_funds and account_funds_v3",
  payloadSchema: emptyPayload,
  accountData: true,
  jobId: (_payload, account) => buildJobId('account-funds', account),
  run: async (_payload, deps) => {
    const scope = snapshotScope(deps);
    const v2 = await deps.api.fundsAndMargin();
    const v2Rows = normaliseResponse(v2, UPSTOX_APIS.fundsAndMargin, () => normaliseFunds(v2.data, snapshotContext(deps, scope)));
    const v3 = await deps.api.fundsAndMarginV3();
    const v3Row = normaliseResponse(v3, UPSTOX_APIS.fundsAndMarginV3, () => normaliseFundsV3(v3.data, snapshotContext(deps, scope)));
    const rowsWritten = await storeFunds(deps.postgres, scope, v2Rows, v3Row);
    return { requestsMade: 2, rowsWritten, state: 'done', detail: `funds of ${scope.snapshotDate}: ${v2Rows.map((r) => r.segment).join(', ')}` };
  },
};

/** Long-term holdings; a holding sold since the last run disappears from the day's snapshot. */
export const accountHoldingsJob: SnapshotJobDefinition<EmptyPayload> = {
  name: 'account-holdings',
  description: "store today's long-term holdings in account_holdings, replacing an earlier run of the same day",
  payloadSchema: emptyPayload,
  accountData: true,
  jobId: (_payload, account) => buildJobId('account-holdings', account),
  run: async (_payload, deps) => {
    const scope = snapshotScope(deps);
    const response = await deps.api.holdings();
    const rows = normaliseResponse(response, UPSTOX_APIS.holdings, () => normaliseHoldings(response.data, snapshotContext(deps, scope)));
    const rowsWritten = await storeHoldings(deps.postgres, scope, rows);
    return { requestsMade: 1, rowsWritten, state: 'done', detail: `${rows.length} holdings on ${scope.snapshotDate}` };
  },
};

/** Short-term and MTF positions. */
export const accountPositionsJob: SnapshotJobDefinition<EmptyPayload> = {
  name: 'account-positions',
  description: "store today's short-term and MTF positions in account_positions, replacing an earlier run of the same day",
  payloadSchema: emptyPayload,
  accountData: true,
  jobId: (_payload, account) => buildJobId('account-positions', account),
  run: async (_payload, deps) => {
    const scope = snapshotScope(deps);
    const shortTerm = await deps.api.positions();
    const shortRows = normaliseResponse(shortTerm, UPSTOX_APIS.positions, () => normalisePositions(shortTerm.data, 'short_term', snapshotContext(deps, scope)));
    const mtf = await deps.api.mtfPositions();
    const mtfRows = normaliseResponse(mtf, UPSTOX_APIS.mtfPositions, () => normalisePositions(mtf.data, 'mtf', snapshotContext(deps, scope)));
    const rowsWritten = await deps.postgres.transaction(
      async (tx) => (await storePositions(tx, scope, 'short_term', shortRows)) + (await storePositions(tx, scope, 'mtf', mtfRows)),
    );
    return { requestsMade: 2, rowsWritten, state: 'done', detail: `${shortRows.length} short-term and ${mtfRows.length} MTF positions on ${scope.snapshotDate}` };
  },
};
