import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on loopback in front of the real QuestDB, which tests switch off and on to cause
 * an outage for one writer without stopping the shared server. While off, it cuts every open
 * connection and every new one.
 */
export class QuestDbRelay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private up = true;
  url = '';

  constructor(private readonly target: string) {}

  /** Starts listening on an ephemeral loopback port; returns the relay's http:// URL. */
  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((client) => {
      if (!this.up) return client.destroy();
      const upstream = createConnection({ host: target.hostname, port: Number(target.port || 80) });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Cuts open connections and refuses new ones until {@link resume}. */
  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  resume(): void {
    this.up = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
