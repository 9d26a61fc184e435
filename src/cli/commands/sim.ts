import type { Command } from 'commander';
import { startSimulator } from '../../simulator/server.js';

interface SimOptions {
  host: string;
  port: string;
  token: string;
  account: string;
  timeScale: string;
  perSecond: string;
  perMinute: string;
  perHalfHour: string;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run the Upstox simulator: the candle endpoints with real schemas, errors and rate windows, on loopback')
    .option('--host <address>', 'address to listen on (loopback only)', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', '8787')
    .option('--token <token>', 'the bearer token the simulator accepts', 'sim-token')
    .option('--account <name>', 'the account label of that token', 'default')
    .option('--time-scale <factor>', 'divide the rate windows (1 s, 60 s, 1800 s) by this factor', '1')
    .option('--per-second <n>', 'requests allowed per second per API', '50')
    .option('--per-minute <n>', 'requests allowed per minute per API', '500')
    .option('--per-half-hour <n>', 'requests allowed per 30 minutes per API', '2000')
    .action(async (options: SimOptions) => {
      const sim = await startSimulator({
        host: options.host,
        port: positive(options.port, '--port', true),
        tokens: { [options.token]: options.account },
        timeScale: positive(options.timeScale, '--time-scale'),
        rateLimits: {
          perSecond: positive(options.perSecond, '--per-second'),
          perMinute: positive(options.perMinute, '--per-minute'),
          perHalfHour: positive(options.perHalfHour, '--per-half-hour'),
        },
      });
      console.log(`Upstox simulator listening on ${sim.url}`);
      console.log(`point the pipeline at it with: UPSTOX_API_BASE_URL=${sim.url} UPSTOX_ACCESS_TOKEN=${options.token}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
    });
}

function positive(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`${flag} ${JSON.stringify(value)} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  return n;
}
