import { addDays, dayOfWeek } from '../time/ist.js';
import { hashText, logUniformOf, normalOf, uniformOf } from './random.js';

// Composed bodies of the fundamentals endpoints, with the field names, nesting and JSON types
// of the OpenAPI document's `CompanyProfileData`, `KeyRatioData`, `BalanceSheetData`,
// `IncomeStatementData`, `CashFlowData`, `ShareHoldingData`, `CorporateActionData` and
// `CompetitorData`. The document gives no example bodies, so values are invented: a few
// well-known companies get their real sector and corporate actions, every other ISIN gets
// values derived from a hash of the ISIN. The date format of `expiry_date` and of event
// details is not documented; the simulator sends YYYY-MM-DD.

interface Company {
  readonly name: string;
  readonly sector: string;
  readonly peers: readonly string[];
}

const COMPANIES: Readonly<Record<string, Company>> = {
  INE002A01018: { name: 'Reliance Industries', sector: 'Refineries', peers: ['INE213A01029', 'INE242A01010', 'INE029A01011', 'INE094A01015'] },
  INE009A01021: { name: 'Infosys', sector: 'IT - Software', peers: ['INE467B01029', 'INE075A01022', 'INE860A01027', 'INE669C01036'] },
  INE467B01029: { name: 'Tata Consultancy Services', sector: 'IT - Software', peers: ['INE009A01021', 'INE075A01022', 'INE860A01027', 'INE669C01036'] },
  INE040A01034: { name: 'HDFC Bank', sector: 'Private Sector Bank', peers: ['INE090A01021', 'INE238A01034', 'INE237A01028', 'INE062A01020'] },
};

const SECTORS = ['Auto Ancillaries', 'Cement', 'Chemicals', 'FMCG', 'Pharmaceuticals', 'Power Generation', 'Steel', 'Textiles'];
const YEARS = ['Mar 2021', 'Mar 2022', 'Mar 2023', 'Mar 2024', 'Mar 2025'];
const QUARTERS = ['Dec 2023', 'Mar 2024', 'Jun 2024', 'Sep 2024', 'Dec 2024', 'Mar 2025', 'Jun 2025', 'Sep 2025'];
// Rupees per US dollar for the USD market capitalisation.
const INR_PER_USD = 86;

/** Returns `CompanyProfileData` for an ISIN. */
export function companyProfile(isin: string): Record<string, unknown> {
  const company = companyOf(isin);
  const sectorCapCrore = round(logUniformOf(`${company.sector}|cap`, 2e5, 2e6), 2);
  const lakhCrore = round(sectorCapCrore / 1e5, 2);
  const usdBillion = round((sectorCapCrore * 1e7) / INR_PER_USD / 1e9, 2);
  return {
    company_profile: `${company.name} is a listed Indian company in the ${company.sector} sector.`,
    sector: company.sector,
    sector_market_cap_inr: { value: lakhCrore, unit: 'lakh crore', formatted: `₹${lakhCrore.toFixed(2)}L Cr` },
    sector_market_cap_usd: { value: usdBillion, unit: 'billion', formatted: `$${usdBillion.toFixed(2)}B` },
  };
}

/** Returns `KeyRatioData[]`; values are strings, as the document types them. */
export function keyRatios(isin: string): Record<string, unknown>[] {
  const sector = companyOf(isin).sector;
  const ratio = (name: string, min: number, max: number) => ({
    name,
    company_value: round(logUniformOf(`${isin}|${name}`, min, max), 2).toFixed(2),
    sector_value: round(logUniformOf(`${sector}|${name}`, min, max), 2).toFixed(2),
  });
  return [ratio('P/E', 8, 60), ratio('P/B', 0.8, 12), ratio('ROE', 4, 35), ratio('ROCE', 4, 40), ratio('Dividend Yield', 0.1, 4), ratio('Debt to Equity', 0.05, 2)];
}

/** Returns `BalanceSheetData`, `IncomeStatementData` or `CashFlowData`. */
export function statement(kind: 'balance-sheet' | 'income-statement' | 'cash-flow', isin: string, type: string, timePeriod: string, fullStatement: boolean): Record<string, unknown> {
  const periods = timePeriod === 'quarterly' ? QUARTERS : YEARS;
  const scale = logUniformOf(`${isin}|revenue`, 2_000, 900_000) * (timePeriod === 'quarterly' ? 0.25 : 1) * (type === 'standalone' ? 0.7 : 1);
  const line = (name: string, share: number) => series(`${isin}|${type}|${timePeriod}|${name}`, scale * share, periods);
  const body: Record<string, unknown> = { type, time_period: timePeriod, units_in: 'crore' };
  let lines: [string, number][];
  if (kind === 'balance-sheet') {
    const assets = line('Total Assets', 1.8);
    const liabilities = line('Total Liabilities', 0.9);
    body.history = periods.map((period, i) => ({ total_asset: assets[i]!.value, total_liability: liabilities[i]!.value, period }));
    lines = [['Total Assets', 1.8], ['Total Liabilities', 0.9], ['Total Equity', 0.9], ['Cash and Equivalents', 0.12]];
  } else if (kind === 'income-statement') {
    body.income_statement = [['Revenue', 1], ['Operating profit', 0.18], ['Net profit', 0.09]].map(([category, share]) => ({ category, history: line(category as string, share as number) }));
    lines = [['Revenue', 1], ['Other Income', 0.03], ['Total Expenses', 0.85], ['Operating profit', 0.18], ['Net profit', 0.09], ['EPS', 0.0004]];
  } else {
    body.cash_flow = [['Operating', 0.16], ['Investing', -0.1], ['Financing', -0.04]].map(([category, share]) => ({ category, history: line(category as string, share as number) }));
    lines = [['Cash from Operating Activity', 0.16], ['Cash from Investing Activity', -0.1], ['Cash from Financing Activity', -0.04], ['Net Cash Flow', 0.02]];
  }
  if (fullStatement) body.full_statement = lines.map(([particular, share]) => ({ particular, history: line(particular, share) }));
  return body;
}

/** Returns `ShareHoldingData[]`: percentages per category over eight quarters. */
export function shareHoldings(isin: string): Record<string, unknown>[] {
  const promoters = 25 + 45 * uniformOf(`${isin}|promoters`);
  const fii = (100 - promoters) * (0.3 + 0.3 * uniformOf(`${isin}|fii`));
  const dii = (100 - promoters - fii) * 0.6;
  const shares: [string, number][] = [['Promoters', promoters], ['FII', fii], ['DII', dii], ['Public', 100 - promoters - fii - dii]];
  return shares.map(([category, level]) => ({ category, history: series(`${isin}|holding|${category}`, level, QUARTERS, 0.01) }));
}

/** Returns `CorporateActionData[]`, newest first. */
export function corporateActions(isin: string): Record<string, unknown>[] {
  if (isin === 'INE002A01018') {
    // Reliance Industries' recent actions as announced: a 1:1 bonus and two dividends.
    return [
      action('Dividend', '2025-08-14', { amount: 5.5 }, '2025-04-25', 'Final Dividend'),
      action('Bonus', '2024-10-28', { ratio: '1:1' }, '2024-09-05', 'Bonus issue 1:1'),
      action('Dividend', '2024-08-19', { amount: 10 }, '2024-04-22', 'Final Dividend'),
    ];
  }
  const actions: Record<string, unknown>[] = [];
  for (const year of [2025, 2024, 2023]) {
    const ex = weekday(`${year}-07-${String(10 + (hashText(`${isin}|${year}`) % 15)).padStart(2, '0')}`);
    actions.push(action('Dividend', ex, { amount: round(logUniformOf(`${isin}|${year}|div`, 0.5, 40), 2) }, addDays(ex, -60), 'Final Dividend'));
  }
  if (hashText(`${isin}|split`) % 4 === 0) {
    const ex = weekday(`2024-0${3 + (hashText(`${isin}|split-month`) % 6)}-12`);
    actions.splice(1, 0, action('Split', ex, { ratio: '1:5' }, addDays(ex, -45), 'Stock split from Rs 10 to Rs 2'));
  }
  return actions;
}

/** Returns `CompetitorData[]` for an equity instrument key. */
export function competitors(instrumentKey: string, equityKeys: readonly string[]): Record<string, unknown>[] {
  const [segment = 'NSE_EQ', identifier = ''] = instrumentKey.split('|');
  const known = COMPANIES[identifier]?.peers;
  const peers = known ?? pickPeers(identifier, equityKeys.map((k) => k.split('|')[1] ?? '').filter((id) => id !== identifier));
  return peers.map((isin) => ({ ...companyProfile(isin), instrument_key: `${segment}|${isin}` }));
}

function action(name: string, exDate: string, terms: { amount?: number; ratio?: string }, announced: string, purpose: string): Record<string, unknown> {
  return {
    name,
    expiry_date: exDate,
    ...terms,
    event_details: [
      { name: 'Announcement date', value: announced },
      { name: 'Record date', value: exDate },
      { name: 'Purpose', value: purpose },
    ],
  };
}

function series(seed: string, level: number, periods: readonly string[], noise = 0.08): { value: number; period: string; change?: string }[] {
  // Starts low enough that four percent growth a period ends near `level`.
  let value = level / 1.04 ** periods.length;
  return periods.map((period, i) => {
    const previous = value;
    value = value * (1 + 0.04 + noise * normalOf(`${seed}|${period}`));
    const item: { value: number; period: string; change?: string } = { value: round(value, 2), period };
    if (i > 0 && previous !== 0) {
      const change = ((value - previous) / Math.abs(previous)) * 100;
      item.change = `${change >= 0 ? '+' : ''}${change.toFixed(2)}%`;
    }
    return item;
  });
}

function companyOf(isin: string): Company {
  return COMPANIES[isin] ?? { name: `Company ${isin}`, sector: SECTORS[hashText(`${isin}|sector`) % SECTORS.length]!, peers: [] };
}

function pickPeers(isin: string, candidates: readonly string[]): string[] {
  if (candidates.length === 0) return [];
  const start = hashText(`${isin}|peers`) % candidates.length;
  return [0, 1, 2].map((i) => candidates[(start + i * 101) % candidates.length]!);
}

// Moves a weekend date to the Monday after, as ex-dates fall on trading days.
function weekday(date: string): string {
  const day = dayOfWeek(date);
  return day === 6 ? addDays(date, 2) : day === 0 ? addDays(date, 1) : date;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
