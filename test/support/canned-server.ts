import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned response of the local test server. */
export interface CannedResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** Declare a longer body than sent, then close the socket mid-body. */
  readonly cutShort?: boolean;
  /** Delay before sending the response, in milliseconds. */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
}

/** A local HTTP server on 127.0.0.1 that responds from a queue or a routing function, and records requests. */
export class CannedServer {
  readonly requests: RecordedRequest[] = [];
  private queue: CannedResponse[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private fallback: (request: RecordedRequest) => CannedResponse = () => ({ status: 404, body: '{"status":"error","errors":[]}' })) {}

  /** Queues answers for the next requests, in order; once empty the fallback answers. */
  enqueue(...responses: CannedResponse[]): void {
    this.queue.push(...responses);
  }

  /** Replaces the routing function. */
  route(fallback: (request: RecordedRequest) => CannedResponse): void {
    this.fallback = fallback;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    this.requests.push(request);
    const response = this.queue.shift() ?? this.fallback(request);
    if (response.delayMs) {
      setTimeout(() => this.send(res, response), response.delayMs);
      return;
    }
    this.send(res, response);
  }

  private send(res: ServerResponse, response: CannedResponse): void {
    if (res.destroyed) return;
    const body = Buffer.from(response.body);
    res.writeHead(response.status, {
      'content-type': response.contentType ?? 'application/json',
      'content-length': String(response.cutShort ? body.length + 100 : body.length),
      ...response.headers,
    });
    if (response.cutShort) {
      res.write(body);
      res.socket?.destroy();
      return;
    }
    res.end(body);
  }
}

/** Returns a success envelope with the given candles. */
export function candleBody(candles: unknown[]): string {
  return JSON.stringify({ status: 'success', data: { candles } });
}
