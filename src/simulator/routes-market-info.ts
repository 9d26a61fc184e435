import type { SimRoute, SimRouteContext } from './route.js';

/** Returns the simulated endpoints for market information (status, holidays, timings), instrument search, brokerage and expired instruments. */
export function marketInfoRoutes(_context: SimRouteContext): SimRoute[] {
  return [];
}
