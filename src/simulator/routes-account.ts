import type { SimRoute, SimRouteContext } from './route.js';

/** Returns the simulated endpoints for account data (profile, funds, portfolio, orders, trades, P&L, mutual funds). */
export function accountRoutes(_context: SimRouteContext): SimRoute[] {
  return [];
}
