import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { normaliseOptionChain, normaliseOptionContracts, normaliseOptionGreeks } from '../src/normalise/options.js';
import { readContractFacts, upcomingExpiries, upsertOptionContracts } from '../src/stores/postgres/option-contracts.js';
import { istDateOf } from '../src/time/ist.js';
import { OPTION_CHAIN_TABLE } from '../src/stores/questdb/option-tables.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { MAX_GREEK_KEYS } from '../src/upstox/options.js';
import { instrumentKeyField, instrumentKeyListField, isoDateField } from './payload-fields.js';
import { asOfField, asSchemaError, keyListId, runBatchedSnapshot, snapshotTimes, writeSnapshotRows } from './quote-batches.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

// Option snapshots: the option chain and option greeks into the QuestDB `option_chain` table,
// and option contracts (reference data) into the Postgres `option_contracts` table.

const greekPayloadSchema = z.object({ instrumentKeys: instrumentKeyListField, asOf: asOfField });
export type GreekPayload = z.infer<typeof greekPayloadSchema>;

const contractPayloadSchema = z.object({ instrumentKey: instrumentKeyField, expiryDate: isoDateField.optional() });
export type ContractPayload = z.infer<typeof contractPayloadSchema>;

// A schedule cannot name a fixed expiry, so `nearest` and `next` pick the first and second
// upcoming expiry of the underlying's stored option contracts when the job runs.
const chainPayloadSchema = z.object({ instrumentKey: instrumentKeyField, expiryDate: z.union([isoDateField, z.enum(['nearest', 'next'])]), asOf: asOfField });
export type ChainPayload = z.infer<typeof chainPayloadSchema>;

/** Option greeks V3 for up to 50 contracts per request; strike, expiry and underlying come from `option_contracts`. */
export const optionGreekJob: SnapshotJobDefinition<GreekPayload> = {
  name: 'option-greeks',
  description: 'store option greeks V3 (IV as a fraction; stamped at asOf or the poll minute) in the option_chain table',
  payloadSchema: greekPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('option-greeks', account, keyListId(payload.instrumentKeys), ...(payload.asOf === undefined ? [] : [payload.asOf])),
  run: (payload, deps) => {
    const times = snapshotTimes(payload.asOf, deps.now());
    return runBatchedSnapshot(
      {
        api: UPSTOX_APIS.optionGreeks,
        keys: payload.instrumentKeys,
        batchSize: MAX_GREEK_KEYS,
        spec: OPTION_CHAIN_TABLE,
        fetch: (keys) => deps.api.optionGreeks(keys),
        normalise: async (keys, data) => normaliseOptionGreeks(keys, data, await readContractFacts(deps.postgres, keys), times),
      },
      deps,
    );
  },
};

/** Option contracts of one underlying (one expiry, or every live one) into Postgres. */
export const optionContractJob: SnapshotJobDefinition<ContractPayload> = {
  name: 'option-contracts',
  description: 'store the option contracts of an underlying (tick size in rupees) in the option_contracts table',
  payloadSchema: contractPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('option-contracts', account, payload.instrumentKey, payload.expiryDate ?? 'all'),
  run: async (payload, deps) => {
    const response = await deps.api.optionContracts(payload.instrumentKey, payload.expiryDate);
    let rows;
    try {
      rows = normaliseOptionContracts(response.data, deps.now());
    } catch (error) {
      throw asSchemaError(error, UPSTOX_APIS.optionContracts, response);
    }
    const rowsWritten = await upsertOptionContracts(deps.postgres, rows);
    const scope = `${payload.instrumentKey}${payload.expiryDate ? ` expiring ${payload.expiryDate}` : ''}`;
    if (rows.length === 0) return { requestsMade: 1, rowsWritten: 0, state: 'empty', detail: `no option contracts listed for ${scope}` };
    return { requestsMade: 1, rowsWritten, state: 'done' };
  },
};

/** The put/call option chain of one underlying and expiry: one row per strike and side. */
export const optionChainJob: SnapshotJobDefinition<ChainPayload> = {
  name: 'option-chain',
  description: 'store the option chain of an underlying and expiry (IV as a fraction; stamped at asOf or the poll minute) in the option_chain table',
  payloadSchema: chainPayloadSchema,
  accountData: false,
  jobId: (payload, account) => buildJobId('option-chain', account, payload.instrumentKey, payload.expiryDate, ...(payload.asOf === undefined ? [] : [payload.asOf])),
  run: async (payload, deps) => {
    const times = snapshotTimes(payload.asOf, deps.now());
    let requestsMade = 0;
    let expiryDate = payload.expiryDate;
    if (expiryDate === 'nearest' || expiryDate === 'next') {
      const today = istDateOf(deps.now());
      let expiries = await upcomingExpiries(deps.postgres, payload.instrumentKey, today);
      if (expiries.length === 0) {
        // No contracts stored yet: fetch the live ones once, so the expiry can be chosen.
        const contracts = await deps.api.optionContracts(payload.instrumentKey);
        requestsMade++;
        await upsertOptionContracts(deps.postgres, normaliseOptionContracts(contracts.data, deps.now()));
        expiries = await upcomingExpiries(deps.postgres, payload.instrumentKey, today);
      }
      const chosen = expiries[expiryDate === 'nearest' ? 0 : 1];
      if (chosen === undefined) {
        return { requestsMade, rowsWritten: 0, state: 'empty', detail: `no ${expiryDate} expiry of ${payload.instrumentKey} on or after ${today}` };
      }
      expiryDate = chosen;
    }
    const response = await deps.api.optionChain(payload.instrumentKey, expiryDate);
    requestsMade++;
    let rows;
    try {
      rows = normaliseOptionChain(response.data, { underlyingKey: payload.instrumentKey, expiryDate }, times);
    } catch (error) {
      throw asSchemaError(error, UPSTOX_APIS.optionChain, response);
    }
    if (rows.length === 0) {
      return { requestsMade, rowsWritten: 0, state: 'empty', detail: `no option chain for ${payload.instrumentKey} expiring ${expiryDate}` };
    }
    await writeSnapshotRows(deps, OPTION_CHAIN_TABLE, rows);
    return { requestsMade, rowsWritten: rows.length, state: 'done', detail: `expiry ${expiryDate}` };
  },
};

/** The jobs for option snapshots (greeks V3, option contracts, option chain). */
export const optionJobs = [optionGreekJob, optionContractJob, optionChainJob] as const;
