import type { SimRoute, SimRouteContext } from './route.js';

/** Returns the simulated endpoints for options (greeks V3, contracts, chain). */
export function optionRoutes(_context: SimRouteContext): SimRoute[] {
  return [];
}
