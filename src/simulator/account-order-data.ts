import { StaticNseCalendar } from '../calendar/trading-calendar.js';
import { datesBetween, istMidnight } from '../time/ist.js';
import { ACCOUNT_SAMPLES, digitsOf, hexOf, pick, priceNear, round2, type JsonObject } from './account-samples.js';

// Simulated orders and trades: the day's order book with each order's history and trades,
// historical trades over a date range, and MF orders. Ids are derived from the account and
// the date, and laid out as Upstox's are: a 15-digit order id that starts with the date
// (yymmdd), 16-digit NSE and 19-digit BSE exchange order ids, 8-digit trade numbers.

const calendar = new StaticNseCalendar();
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The order book's templates: the two sample rows, the order-details sample and the final
// state of the order-history sample, each placed at its sample's time of day.
function orderTemplates(): readonly JsonObject[] {
  const history = ACCOUNT_SAMPLES.orderHistory;
  const lastState = history[history.length - 1]!;
  return [
    ...ACCOUNT_SAMPLES.orderBook,
    ACCOUNT_SAMPLES.orderDetails,
    { ...lastState, guid: null, pending_quantity: 0, status_message_raw: null, order_ref_id: null, parent_order_id: null },
  ];
}

/** Returns the day's order book, oldest first. */
export function simulatedOrders(account: string, date: string): JsonObject[] {
  const yymmdd = date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
  return orderTemplates().map((template, i) => {
    const seed = `order|${account}|${date}|${i}`;
    const orderId = `${yymmdd}0${digitsOf(seed, 7)}${i}`;
    const time = String(template.order_timestamp).slice(11);
    const complete = template.status === 'complete';
    const quantity = (template.quantity as number) * (1 + pick(`${seed}|quantity`, 3));
    const exchangeOrderId = template.exchange_order_id === null ? null : exchangeOrderIdOf(String(template.exchange), date, seed);
    const samplePrice = template.price as number;
    const price = samplePrice === 0 ? 0 : priceNear(`${seed}|price`, samplePrice, 0.01);
    return {
      ...template,
      order_id: orderId,
      exchange_order_id: exchangeOrderId,
      quantity,
      filled_quantity: complete ? quantity : 0,
      average_price: complete ? price : 0,
      price,
      order_timestamp: `${date} ${time}`,
      exchange_timestamp: template.exchange_timestamp === null ? null : `${date} ${time}`,
    };
  });
}

// BSE numbers its orders from the epoch second of the trading day (19 digits, above 2^53);
// NSE's are 16 digits.
function exchangeOrderIdOf(exchange: string, date: string, seed: string): string {
  if (exchange === 'BSE') return `${Math.floor(istMidnight(date) / 1000) + 33_800}${digitsOf(`${seed}|bse`, 9)}`;
  return `1300000${digitsOf(`${seed}|nse`, 9)}`;
}

/** Returns an order's state transitions, oldest first, as the order history endpoint lists them. */
export function simulatedOrderHistory(order: JsonObject): JsonObject[] {
  const { guid: _guid, pending_quantity: _pending, status_message_raw: _raw, order_ref_id: _ref, ...base } = order;
  const pending = { ...base, parent_order_id: 'NA', average_price: 0, filled_quantity: 0, exchange_order_id: null, exchange_timestamp: null, status_message: null };
  const states: JsonObject[] = [
    { ...pending, status: 'put order req received' },
    { ...pending, status: 'validation pending' },
  ];
  if (order.status === 'rejected') {
    states.push({ ...pending, status: 'rejected', status_message: order.status_message });
  } else {
    states.push({ ...pending, status: 'open', exchange_order_id: order.exchange_order_id, exchange_timestamp: order.order_timestamp });
    states.push({ ...base, parent_order_id: 'NA', status: order.status });
  }
  return states;
}

/**
 * Returns the day's trades: one per complete order, or two fills when the quantity allows.
 * Times use the `dd-MMM-yyyy HH:mm:ss` layout of the trades documentation.
 */
export function simulatedTrades(account: string, date: string): JsonObject[] {
  const trades: JsonObject[] = [];
  for (const order of simulatedOrders(account, date)) {
    if (order.status !== 'complete') continue;
    const quantity = order.quantity as number;
    const fills = quantity > 1 ? [Math.floor(quantity / 2), quantity - Math.floor(quantity / 2)] : [quantity];
    const time = String(order.order_timestamp).slice(11);
    fills.forEach((fill, i) => {
      trades.push({
        exchange: order.exchange,
        product: order.product,
        trading_symbol: order.trading_symbol,
        tradingsymbol: order.trading_symbol,
        instrument_token: order.instrument_token,
        order_type: order.order_type,
        transaction_type: order.transaction_type,
        quantity: fill,
        exchange_order_id: order.exchange_order_id,
        order_id: order.order_id,
        exchange_timestamp: `${dayMonthName(date)} ${time}`,
        average_price: order.average_price,
        trade_id: `5${digitsOf(`trade|${String(order.order_id)}`, 6)}${i}`,
        order_ref_id: order.order_ref_id,
        order_timestamp: `${dayMonthName(date)} ${time}`,
      });
    });
  }
  return trades;
}

function dayMonthName(date: string): string {
  return `${date.slice(8, 10)}-${MONTH_NAMES[Number(date.slice(5, 7)) - 1]}-${date.slice(0, 4)}`;
}

const HISTORICAL_POOL: readonly JsonObject[] = [
  ACCOUNT_SAMPLES.historicalTrades[0]!,
  { ...ACCOUNT_SAMPLES.historicalTrades[0]!, scrip_name: 'SBIN', symbol: 'SBIN', isin: 'INE062A01020', instrument_token: 'NSE_EQ|INE062A01020', price: 571.35 },
  {
    ...ACCOUNT_SAMPLES.historicalTrades[0]!,
    exchange: 'NSE',
    segment: 'FO',
    option_type: 'CE',
    strike_price: '22500.0',
    scrip_name: 'NIFTY',
    symbol: 'NIFTY',
    isin: '',
    instrument_token: 'NSE_FO|43919',
    price: 112.4,
  },
];

/**
 * Returns the trades of every NSE trading day from `startDate` to `endDate`, oldest first.
 * Each day has one or two, drawn from the sample row and two more instruments. One of those
 * is a NIFTY call that expires on the Thursday after the trade.
 */
export function simulatedHistoricalTrades(account: string, startDate: string, endDate: string, segment?: string): JsonObject[] {
  const trades: JsonObject[] = [];
  for (const date of datesBetween(startDate, endDate)) {
    if ((calendar.day('NSE_EQ', date)?.sessions.length ?? 0) === 0) continue;
    const count = 1 + pick(`htrades|${account}|${date}`, 2);
    for (let i = 0; i < count; i++) {
      const seed = `htrade|${account}|${date}|${i}`;
      const template = HISTORICAL_POOL[pick(seed, HISTORICAL_POOL.length)]!;
      const quantity = (template.segment === 'FO' ? 75 : 1) * (1 + pick(`${seed}|quantity`, 10));
      const price = priceNear(`${seed}|price`, template.price as number, 0.02);
      trades.push({
        ...template,
        quantity,
        price,
        amount: round2(price * quantity),
        trade_id: `7${digitsOf(seed, 6)}${i}`,
        trade_date: date,
        transaction_type: pick(`${seed}|side`, 2) === 0 ? 'BUY' : 'SELL',
        expiry: template.segment === 'FO' ? nextThursday(date) : '',
      });
    }
  }
  return segment ? trades.filter((t) => t.segment === segment) : trades;
}

// Weekly NIFTY options expired on Thursdays; a trade on a Thursday gets the next week's.
function nextThursday(date: string): string {
  const start = Date.parse(`${date}T00:00:00Z`);
  const ahead = (4 - new Date(start).getUTCDay() + 7) % 7 || 7;
  return new Date(start + ahead * 86_400_000).toISOString().slice(0, 10);
}

/** Returns the MF orders of the day: the two sample orders and three more, newest first. */
export function simulatedMfOrders(account: string, date: string): JsonObject[] {
  const [first, second] = ACCOUNT_SAMPLES.mfOrders as [JsonObject, JsonObject];
  const templates: JsonObject[] = [
    first,
    second,
    { ...first, status: 'COMPLETED', folio: '3108290884', quantity: 5.702, price: 175.35, average_price: 175.35, last_price: 175.43, status_message: null },
    { ...second, status: 'REJECTED', status_message: 'Payment not received', variety: 'REGULAR', amount: 2500.0 },
    { ...first, transaction_type: 'SELL', status: 'PLACED', amount: 0.0, quantity: 10.0, purchase_type: null },
  ];
  return templates.map((t, i) => {
    const seed = `mf-order|${account}|${date}|${i}`;
    const uuid = `${hexOf(seed)}-${hexOf(`${seed}|a`).slice(0, 4)}-4${hexOf(`${seed}|b`).slice(0, 3)}-8${hexOf(`${seed}|c`).slice(0, 3)}-${hexOf(`${seed}|d`)}${hexOf(`${seed}|e`).slice(0, 4)}`;
    const time = String(t.order_timestamp).slice(11);
    const amount = t.amount as number;
    return {
      ...t,
      order_id: `ABC123-${uuid}`,
      exchange_order_id: digitsOf(`${seed}|exchange`, 9),
      settlement_id: digitsOf(`${seed}|settlement`, 9),
      amount: amount === 0 ? 0 : round2(amount * (1 + pick(`${seed}|amount`, 4))),
      order_timestamp: `${date} ${time}`,
    };
  });
}
