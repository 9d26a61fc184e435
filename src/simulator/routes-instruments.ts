import type { SimRoute, SimRouteContext } from './route.js';

/** Returns the simulated endpoints for the instruments master files. */
export function instrumentRoutes(_context: SimRouteContext): SimRoute[] {
  return [];
}
