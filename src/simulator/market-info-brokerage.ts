// The simulator's brokerage charges: a deterministic fee model with the shape and the rough
// size of Upstox's responses, not Upstox's tariff.
// NOTE: the rates approximate Indian statutory and exchange charges (STT, stamp duty, SEBI
// fee, exchange transaction charge). They come within about 0.15 rupees of the docs example,
// and nothing checks them against live answers.

export interface BrokerageInput {
  /** The instrument key's segment, such as `NSE_EQ` or `NSE_FO`. */
  readonly segment: string;
  /** `CE`, `PE`, `FUT`, `EQ` or another master type; undefined when the key is not in the master. */
  readonly instrumentType: string | undefined;
  readonly quantity: number;
  readonly price: number;
  readonly product: string;
  readonly transactionType: 'BUY' | 'SELL';
}

interface Rates {
  readonly stt: number;
  readonly transaction: number;
  readonly stampDuty: number;
}

const SEBI_RATE = 0.000001;
const IPFT_RATE = 0.000001;
const GST_RATE = 0.18;

/** Returns the `data` member of a brokerage response, with the deprecated camelCase twins Upstox still sends. */
export function brokerageData(input: BrokerageInput): Record<string, unknown> {
  const turnover = input.quantity * input.price;
  const isDerivative = input.segment.endsWith('_FO') || input.segment === 'NSE_COM';
  const isOption = input.instrumentType === 'CE' || input.instrumentType === 'PE';
  const sell = input.transactionType === 'SELL';
  const buy = !sell;

  let rates: Rates;
  if (!isDerivative) {
    rates =
      input.product === 'D'
        ? { stt: 0.001, transaction: 0.0000325, stampDuty: buy ? 0.00015 : 0 }
        : { stt: sell ? 0.00025 : 0, transaction: 0.0000325, stampDuty: buy ? 0.00003 : 0 };
  } else if (isOption) {
    rates = { stt: sell ? 0.001 : 0, transaction: 0.0005, stampDuty: buy ? 0.00003 : 0 };
  } else {
    rates = { stt: sell ? 0.0002 : 0, transaction: 0.000019, stampDuty: buy ? 0.00002 : 0 };
  }

  // Delivery equity trades carry no brokerage; everything else pays ₹20 or 0.1%, whichever is lower.
  const brokerage = !isDerivative && input.product === 'D' ? 0 : Math.min(20, turnover * 0.001);
  const transaction = turnover * rates.transaction;
  const sebi = turnover * SEBI_RATE;
  const ipft = turnover * IPFT_RATE;
  const clearing = 0;
  const gst = GST_RATE * (brokerage + transaction + clearing + sebi + ipft);
  const stt = turnover * rates.stt;
  const stampDuty = turnover * rates.stampDuty;
  const total = brokerage + gst + stt + stampDuty + transaction + clearing + ipft + sebi;

  const otherCharges = { transaction: round2(transaction), clearing, ipft: round2(ipft), sebi_turnover: round2(sebi) };
  const dpPlan = { name: 'DP3A', min_expense: 18.5 };
  return {
    charges: {
      total: round2(total),
      brokerage: round2(brokerage),
      taxes: { gst: round2(gst), stt: round2(stt), stamp_duty: round2(stampDuty) },
      other_charges: otherCharges,
      dp_plan: dpPlan,
      otherTaxes: otherCharges,
      dpPlan,
    },
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
