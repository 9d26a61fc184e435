import type { SimRoute, SimRouteContext } from './route.js';

/** Returns the simulated endpoints for quotes (full market quote, OHLC V3, LTP V3). */
export function quoteRoutes(_context: SimRouteContext): SimRoute[] {
  return [];
}
