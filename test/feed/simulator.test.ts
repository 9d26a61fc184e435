import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFeedResponse, type FeedResponseJson } from '../../src/feed/decode.js';
import { subscribeFrames } from '../../src/feed/subscription.js';
import { startFeedSimulator, type FeedSimulatorOptions, type RunningFeedSimulator } from '../../src/simulator/feed-server.js';
import { authorizedRedirectUri, feedApi } from '../../src/upstox/feed.js';
import { UpstoxHttp } from '../../src/upstox/http.js';
import { recordedFrames } from './samples.js';

// The feed simulator on loopback, driven by a plain websocket client: authorize, single-use
// codes, the replay of the recorded frames, synthetic ticks per mode, and the key limits.

const TOKEN = 'feed-sim-token';
const NIFTY = 'NSE_INDEX|Nifty 50';
const BANK = 'NSE_INDEX|Nifty Bank';
const RELIANCE = 'NSE_EQ|INE002A01018';
const OPTION = 'NSE_FO|54911';

const running: { sim: RunningFeedSimulator; http: UpstoxHttp }[] = [];

afterEach(async () => {
  for (const { sim, http } of running.splice(0)) {
    await http.close();
    await sim.close();
  }
});

async function start(options: Partial<FeedSimulatorOptions> = {}): Promise<{ sim: RunningFeedSimulator; authorize: () => Promise<string> }> {
  const sim = await startFeedSimulator({ tokens: { [TOKEN]: 'main' }, tickIntervalMs: 10, ...options });
  const http = new UpstoxHttp({ baseUrl: sim.url, token: TOKEN, requestTimeoutMs: 5_000 });
  running.push({ sim, http });
  const api = feedApi(http);
  return { sim, authorize: async () => authorizedRedirectUri((await api.marketDataFeedAuthorize()).data) };
}

/** A websocket client that decodes every frame it receives. */
class Client {
  readonly frames: FeedResponseJson[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(decodeFeedResponse(data)));
  }

  static open(uri: string): Promise<Client> {
    const ws = new WebSocket(uri);
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  async waitFor(count: number, timeoutMs = 5_000): Promise<FeedResponseJson[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`received ${this.frames.length} frames, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.frames.slice(0, count);
  }

  closed(): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }
}

describe('feed simulator authorize', () => {
  it('issues a loopback URL', async () => {
    const { sim, authorize } = await start();
    const uri = await authorize();
    expect(uri).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${sim.port}/market-data-feeder/v3/upstox-developer-api/feeds\\?requestId=[0-9a-f-]{36}&code=[0-9a-f-]{36}$`));
    expect(sim.stats().authorizations).toBe(1);
  });

  it('rejects a bad token', async () => {
    const { sim } = await start();
    const response = await fetch(`${sim.url}/v3/feed/market-data-feed/authorize`, { headers: { authorization: 'Bearer wrong' } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: { error_code: string }[] };
    expect(body.errors[0]?.error_code).toBe('UDAPI100050');
    expect(sim.stats().rejectedAuthorizations).toBe(1);
  });

  it('admits one connection per code', async () => {
    const { sim, authorize } = await start();
    const uri = await authorize();
    const first = await Client.open(uri);
    await expect(Client.open(uri)).rejects.toThrow(/Unexpected server response: 403/);
    expect(sim.stats().connections).toBe(1);
    expect(sim.stats().rejectedHandshakes).toBe(1);
    first.ws.close();
  });

  it('rejects an expired code', async () => {
    const { sim, authorize } = await start({ codeTtlMs: 1 });
    const uri = await authorize();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(Client.open(uri)).rejects.toThrow(/403/);
    expect(sim.stats().rejectedHandshakes).toBe(1);
  });
});

describe('feed simulator frames', () => {
  it('replays the recorded frames', async () => {
    const { authorize } = await start({ liveFramesPerConnection: 0 });
    const client = await Client.open(await authorize());
    for (const frame of subscribeFrames([NIFTY, BANK], 'full')) client.ws.send(frame, { binary: true });
    const frames = await client.waitFor(4);
    expect(frames).toEqual(recordedFrames());
    client.ws.close();
  });

  it('replays a key once per server', async () => {
    const { authorize } = await start({ liveFramesPerConnection: 0 });
    const first = await Client.open(await authorize());
    first.ws.send(subscribeFrames([NIFTY], 'full')[0]!, { binary: true });
    await first.waitFor(4);
    first.ws.close();
    const second = await Client.open(await authorize());
    second.ws.send(subscribeFrames([NIFTY], 'full')[0]!, { binary: true });
    const [info, snapshot] = await second.waitFor(2);
    expect(info?.type).toBe('market_info');
    expect(info?.marketInfo).toEqual(recordedFrames()[0]?.marketInfo);
    expect(snapshot?.type).toBeUndefined();
    // The snapshot repeats the last recorded tick under a new frame time.
    expect(snapshot?.feeds?.[NIFTY]?.fullFeed?.indexFF?.ltpc).toEqual({ ltp: 22544.35, ltt: '1740631252000', cp: 22547.55 });
    second.ws.close();
  });

  it('streams deltas per mode', async () => {
    // Slow ticks, so both requests are handled before the first live frame.
    const { authorize } = await start({ liveFramesPerConnection: 3, tickIntervalMs: 100 });
    const client = await Client.open(await authorize());
    client.ws.send(Buffer.from(JSON.stringify({ guid: 'g1', method: 'sub', data: { mode: 'full', instrumentKeys: [RELIANCE] } })), { binary: true });
    client.ws.send(Buffer.from(JSON.stringify({ guid: 'g2', method: 'sub', data: { mode: 'option_greeks', instrumentKeys: [OPTION] } })), { binary: true });
    const [, reliance, option, live1, live2] = await client.waitFor(6);
    const snapshot = reliance?.feeds?.[RELIANCE];
    expect(snapshot?.requestMode).toBe('full_d5');
    expect(snapshot?.fullFeed?.marketFF?.marketLevel?.bidAskQuote).toHaveLength(5);
    expect(snapshot?.fullFeed?.marketFF?.marketOHLC?.ohlc?.map((bar) => bar.interval)).toEqual(['1d', 'I1']);
    expect(option?.feeds?.[OPTION]?.requestMode).toBe('option_greeks');
    expect(Object.keys(option?.feeds?.[OPTION]?.firstLevelWithGreeks?.optionGreeks ?? {})).toEqual(['delta', 'theta', 'gamma', 'vega', 'rho']);
    expect(live1?.type).toBe('live_feed');
    expect(Object.keys(live1?.feeds ?? {})).toEqual([RELIANCE, OPTION]);
    // Step 1 sends no depth; step 2 sends it again.
    expect(live1?.feeds?.[RELIANCE]?.fullFeed?.marketFF?.marketLevel).toBeUndefined();
    expect(live2?.feeds?.[RELIANCE]?.fullFeed?.marketFF?.marketLevel?.bidAskQuote).toHaveLength(5);
    expect(Number(live2?.currentTs) - Number(live1?.currentTs)).toBe(1000);
    client.ws.close();
  });

  it('repeats itself exactly', async () => {
    const frames: FeedResponseJson[][] = [];
    for (let run = 0; run < 2; run++) {
      const { authorize } = await start({ liveFramesPerConnection: 4 });
      const client = await Client.open(await authorize());
      client.ws.send(subscribeFrames([NIFTY, RELIANCE, OPTION], 'full')[0]!, { binary: true });
      frames.push(await client.waitFor(1 + 3 + 1 + 4));
      client.ws.close();
    }
    expect(frames[1]).toEqual(frames[0]);
  });

  it('closes on a key limit', async () => {
    const { sim, authorize } = await start();
    const client = await Client.open(await authorize());
    const keys = Array.from({ length: 51 }, (_, i) => `NSE_FO|${1000 + i}`);
    const closed = client.closed();
    client.ws.send(Buffer.from(JSON.stringify({ guid: 'g', method: 'sub', data: { mode: 'full_d30', instrumentKeys: keys } })), { binary: true });
    expect(await closed).toEqual({ code: 1008, reason: '51 keys in mode full_d30 exceed the limit of 50 per connection' });
    expect(sim.stats().rejectedRequests).toBe(1);
  });

  it('ignores a malformed request', async () => {
    const { sim, authorize } = await start({ liveFramesPerConnection: 0 });
    const client = await Client.open(await authorize());
    client.ws.send('{"method":"subscribe"}');
    client.ws.send(subscribeFrames([RELIANCE], 'ltpc')[0]!, { binary: true });
    const [, snapshot] = await client.waitFor(2);
    expect(Object.keys(snapshot?.feeds?.[RELIANCE] ?? {})).toEqual(['ltpc']);
    expect(sim.stats().rejectedRequests).toBe(1);
    client.ws.close();
  });
});
