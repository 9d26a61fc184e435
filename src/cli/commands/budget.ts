import type { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { createRateBudget } from '../../rate-budget/from-config.js';
import { ALL_UPSTOX_APIS } from '../../upstox/apis.js';
import { openContext } from '../context.js';

export function registerBudget(program: Command): void {
  program
    .command('budget')
    .description("show the account's Upstox rate budget: use of each window per API group, pauses after 429, and waiting work per priority")
    .action(async () => {
      const context = openContext(loadConfig());
      try {
        const budget = createRateBudget(context.config, context.redis);
        const scale = context.config.rateBudget.windowScale;
        console.log(`account ${context.config.upstox.account}${scale === 1 ? '' : ` (windows shortened ${scale}×)`}`);
        for (const usage of await budget.usage(ALL_UPSTOX_APIS)) {
          const windows = usage.windows.map((w) => `${w.name} ${w.used}/${w.limit}`).join(', ');
          const paused = usage.pausedMs > 0 ? `, paused ${Math.ceil(usage.pausedMs / 1000)} s after a 429` : '';
          console.log(`  ${usage.group.padEnd(20)} ${windows}; 429 responses so far ${usage.rateLimitedTotal}${paused}`);
        }
        console.log('waiting work:');
        for (const [priority, counts] of Object.entries(await context.producer.counts())) {
          console.log(`  ${priority.padEnd(9)} waiting ${counts.waiting ?? 0}, delayed ${counts.delayed ?? 0}, active ${counts.active ?? 0}`);
        }
      } finally {
        await context.close();
      }
    });
}
