// Prices on an instrument's tick. The instruments master states tick_size in paise (5 = ₹0.05,
// 0.25 = ₹0.0025 for currency options), and Upstox sends prices in rupees without float noise,
// so each rounded price is also cut to the tick's decimal places.

/** The tick of one instrument in rupees and the decimal places needed to write it. */
export interface PriceGrid {
  readonly tick: number;
  readonly decimals: number;
}

/** The tick used when the master lists none (indices) or the key is not in the NSE master. */
export const DEFAULT_TICK_PAISE = 5;

/** Returns the price grid of a tick size given in paise. */
export function priceGrid(tickSizePaise: number | undefined): PriceGrid {
  const paise = tickSizePaise !== undefined && tickSizePaise > 0 ? tickSizePaise : DEFAULT_TICK_PAISE;
  const tick = paise / 100;
  let decimals = 0;
  while (decimals < 8 && Math.abs(tick * 10 ** decimals - Math.round(tick * 10 ** decimals)) > 1e-9) decimals += 1;
  return { tick, decimals };
}

/** Rounds a price to the grid: to the nearest tick, or up or down to the next one. */
export function toTick(value: number, grid: PriceGrid, mode: 'nearest' | 'up' | 'down' = 'nearest'): number {
  const ticks = value / grid.tick;
  // The small allowance keeps a price already on the grid from moving a whole tick through float error.
  let whole = Math.round(ticks);
  if (mode === 'up') whole = Math.ceil(ticks - 1e-9);
  if (mode === 'down') whole = Math.floor(ticks + 1e-9);
  return Number((whole * grid.tick).toFixed(grid.decimals));
}

/** Returns true when `value` lies on the grid. */
export function isOnTick(value: number, grid: PriceGrid): boolean {
  const ticks = value / grid.tick;
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}
