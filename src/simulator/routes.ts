import { accountRoutes } from './routes-account.js';
import { analyticsRoutes } from './routes-analytics.js';
import { candleRoutes } from './routes-candles.js';
import { instrumentRoutes } from './routes-instruments.js';
import { marketInfoRoutes } from './routes-market-info.js';
import { optionRoutes } from './routes-options.js';
import { quoteRoutes } from './routes-quotes.js';
import type { SimRoute, SimRouteContext } from './route.js';

/** Returns every simulated endpoint, matched in this order. */
export function createRoutes(context: SimRouteContext, now: () => number): SimRoute[] {
  return [
    ...candleRoutes(context, now),
    ...quoteRoutes(context),
    ...optionRoutes(context),
    ...marketInfoRoutes(context),
    ...instrumentRoutes(context),
    ...accountRoutes(context),
    ...analyticsRoutes(context),
  ];
}
