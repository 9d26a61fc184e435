import { z } from 'zod';
import { buildJobId } from '../src/ids/job-id.js';
import { normaliseMfHoldings, normaliseMfOrders, normaliseMfSips, type MfOrderRow, type MfSipRow } from '../src/normalise/account-mutual-funds.js';
import { storeMfHoldings, storeMfOrders, storeMfSips } from '../src/stores/postgres/account.js';
import { MAX_MF_PAGE_RECORDS } from '../src/upstox/account.js';
import { UPSTOX_APIS } from '../src/upstox/apis.js';
import { assertNoOverlap, fetchAllPages, fetchContext, normaliseResponse, orderIdListField, orderIdsPart, snapshotContext, snapshotScope } from './account-common.js';
import type { SnapshotJobDefinition } from './snapshot-job.js';

// Mutual funds: today's holdings as a snapshot, every page of the MF orders (Upstox lists the
// last 7 days) and of the SIPs, and optionally the details of chosen orders.

const mutualFundsPayload = z.object({
  /** Rows per page of the order and SIP lists, at most 30. */
  records: z.coerce.number().int().min(1).max(MAX_MF_PAGE_RECORDS).default(MAX_MF_PAGE_RECORDS),
  /** Also fetch these orders through the order details endpoint, such as one older than the list's 7 days. */
  orderIds: orderIdListField.optional(),
});
export type MutualFundsPayload = z.infer<typeof mutualFundsPayload>;

/** MF holdings, orders and SIPs. */
export const accountMutualFundsJob: SnapshotJobDefinition<MutualFundsPayload> = {
  name: 'account-mutual-funds',
  description: "store today's MF holdings in account_mf_holdings, and MF orders and SIPs in account_mf_orders and account_mf_sips",
  payloadSchema: mutualFundsPayload,
  accountData: true,
  jobId: (payload, account) => buildJobId('account-mutual-funds', account, orderIdsPart(payload.orderIds)),
  run: async (payload, deps) => {
    const scope = snapshotScope(deps);
    const holdings = await deps.api.mfHoldings();
    const holdingRows = normaliseResponse(holdings, UPSTOX_APIS.mfHoldings, () => normaliseMfHoldings(holdings.data, snapshotContext(deps, scope)));
    let rowsWritten = await storeMfHoldings(deps.postgres, scope, holdingRows);
    let requestsMade = 1;

    const orderPages = await fetchAllPages('MF orders', payload.records, (pageNumber) => deps.api.mfOrders({ pageNumber, records: payload.records }));
    requestsMade += orderPages.length;
    const orders: MfOrderRow[] = [];
    for (const page of orderPages) orders.push(...normaliseResponse(page, UPSTOX_APIS.mfOrders, () => normaliseMfOrders(page.data, fetchContext(deps))));
    assertNoOverlap('MF orders', orders, (o) => `order ${o.order_id}`);
    for (const orderId of payload.orderIds ?? []) {
      const response = await deps.api.mfOrderDetails(orderId);
      requestsMade++;
      const [row] = normaliseResponse(response, UPSTOX_APIS.mfOrderDetails, () => normaliseMfOrders([response.data], fetchContext(deps)));
      // The details are newer than the list's copy of the same order.
      const listed = orders.findIndex((o) => o.order_id === row!.order_id);
      if (listed >= 0) orders[listed] = row!;
      else orders.push(row!);
    }
    rowsWritten += await storeMfOrders(deps.postgres, orders);

    const sipPages = await fetchAllPages('SIPs', payload.records, (pageNumber) => deps.api.mfSips({ pageNumber, records: payload.records }));
    requestsMade += sipPages.length;
    const sips: MfSipRow[] = [];
    for (const page of sipPages) sips.push(...normaliseResponse(page, UPSTOX_APIS.mfSips, () => normaliseMfSips(page.data, fetchContext(deps))));
    assertNoOverlap('SIPs', sips, (s) => `SIP ${s.sip_id}`);
    rowsWritten += await storeMfSips(deps.postgres, sips);

    return { requestsMade, rowsWritten, state: 'done', detail: `${holdingRows.length} MF holdings on ${scope.snapshotDate}, ${orders.length} orders, ${sips.length} SIPs` };
  },
};
