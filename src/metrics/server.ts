import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One dependency the health check probes: a name and a function that throws when it is down. */
export interface HealthProbe {
  readonly name: string;
  check(): Promise<void>;
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` (Prometheus text) and `/health` (200 with every probe's state when all
 * pass, 503 otherwise) on one port. `beforeScrape` refreshes gauges read from outside, such
 * as the rate budget in Redis.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  metrics: () => Promise<{ contentType: string; text: string }>;
  probes: readonly HealthProbe[];
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      options
        .metrics()
        .then(({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(text))
        .catch((error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}`));
      return;
    }
    if (path === '/health') {
      Promise.all(
        options.probes.map(async (probe) => {
          try {
            await probe.check();
            return [probe.name, 'ok'] as const;
          } catch (error) {
            return [probe.name, `down: ${(error as Error).message}`] as const;
          }
        }),
      ).then((results) => {
        const healthy = results.every(([, state]) => state === 'ok');
        res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: healthy ? 'ok' : 'down', checks: Object.fromEntries(results) }));
      }, () => res.writeHead(500).end());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: use /metrics or /health');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
