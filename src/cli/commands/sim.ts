import type { Command } from 'commander';
import { startAssetsSimulator } from '../../simulator/assets-server.js';
import { startSimulator } from '../../simulator/server.js';

const DEFAULT_TOKEN = 'sim-token';

interface SimOptions {
  host: string;
  port: string;
  assetsPort: string;
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
    .description(
      'run the Upstox simulator on loopback: every GET endpoint the client calls (candles, quotes, options, market information, ' +
        'account data, analytics, the feed authorization) with real schemas, errors and rate windows, and a second server for the instruments master files',
    )
    .option('--host <address>', 'address to listen on (loopback only)', '127.0.0.1')
    .option('--port <port>', 'port of the API simulator; 0 picks a free one', '8787')
    .option('--assets-port <port>', 'port of the instruments master file host; 0 picks a free one', '8788')
    .option('--token <token>', 'the bearer token the simulator accepts', DEFAULT_TOKEN)
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
      const assets = await startAssetsSimulator({ host: options.host, port: positive(options.assetsPort, '--assets-port', true) });
      console.log(`Upstox simulator listening on ${sim.url}, instruments master files on ${assets.url}`);
      // A token given to --token is not printed, in case a real token was passed.
      const token = options.token === DEFAULT_TOKEN ? DEFAULT_TOKEN : '<the --token value>';
      console.log(`point the pipeline at it with: UPSTOX_API_BASE_URL=${sim.url} UPSTOX_ASSETS_BASE_URL=${assets.url} UPSTOX_ACCESS_TOKEN=${token}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await Promise.all([sim.close(), assets.close()]);
    });
}

function positive(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`${flag} ${JSON.stringify(value)} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  return n;
}
