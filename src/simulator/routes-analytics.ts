import type { SimRoute, SimRouteContext } from './route.js';

/** Returns the simulated endpoints for market analytics, fundamentals, corporate actions and news. */
export function analyticsRoutes(_context: SimRouteContext): SimRoute[] {
  return [];
}
