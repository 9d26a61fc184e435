import { describe, expect, it } from 'vitest';
import type { FeedResponseJson } from '../../src/feed/decode.js';
import { FeedState, normaliseFeedFrame, type FeedFrameRows } from '../../src/normalise/feed.js';
import { recordedFrames, sampleFrame, tick } from './samples.js';

// Each sample frame and the recorded real frames → the exact rows of feed_ticks and
// feed_market_status. ARRIVED stamps rows only when a frame has no currentTs.

const ARRIVED = Date.parse('2026-03-02T05:00:00Z');
const HDFC = 'NSE_EQ|INE090A01021';
const NIFTY = 'NSE_INDEX|Nifty 50';
const BANK = 'NSE_INDEX|Nifty Bank';

function normalise(frame: FeedResponseJson, state = new FeedState()): FeedFrameRows {
  return normaliseFeedFrame(frame, state, ARRIVED);
}

const HDFC_INITIAL = tick({
  tsMs: 1742373997241,
  receivedMs: 1742373998670,
  instrumentKey: HDFC,
  mode: 'full',
  frameType: 'initial_feed',
  ltp: 1313.7,
  ltq: 245,
  cp: 1309.85,
  bidPrice: 1313.65,
  bidQty: 570,
  askPrice: 1313.7,
  askQty: 746,
  volume: 7790518,
  totalBuyQty: 359157,
  totalSellQty: 421241,
  atp: 1310.68,
  dayOpen: 1305.6,
  dayHigh: 1316.2,
  dayLow: 1302.15,
  dayClose: 1313.7,
  dayVolume: 7790518,
});

const HDFC_LIVE = tick({
  tsMs: 1742373998758,
  receivedMs: 1742373998921,
  instrumentKey: HDFC,
  mode: 'full',
  frameType: 'live_feed',
  ltp: 1313.7,
  ltq: 234,
  cp: 1309.85,
  volume: 7791920,
  totalBuyQty: 358719,
  totalSellQty: 419843,
  atp: 1310.68,
  dayOpen: 1305.6,
  dayHigh: 1316.2,
  dayLow: 1302.15,
  dayClose: 1313.7,
  dayVolume: 7791920,
});

describe('feed normaliser samples', () => {
  it('reads the full initial snapshot', () => {
    const rows = normalise(sampleFrame('market-data-feed-v3-full-initial.json'));
    expect(rows).toEqual({ frameType: 'initial_feed', ticks: [HDFC_INITIAL], statuses: [], issues: [] });
  });

  it('leaves unseen depth null', () => {
    const rows = normalise(sampleFrame('market-data-feed-v3-full.json'));
    expect(rows).toEqual({ frameType: 'live_feed', ticks: [HDFC_LIVE], statuses: [], issues: [] });
  });

  it('carries depth into a delta', () => {
    const state = new FeedState();
    normalise(sampleFrame('market-data-feed-v3-full-initial.json'), state);
    const rows = normalise(sampleFrame('market-data-feed-v3-full.json'), state);
    expect(rows.ticks).toEqual([{ ...HDFC_LIVE, bidPrice: 1313.65, bidQty: 570, askPrice: 1313.7, askQty: 746 }]);
  });

  it('reads an index in full mode', () => {
    const rows = normalise(sampleFrame('market-data-feed-v3-index-full.json'));
    expect(rows).toEqual({
      frameType: 'live_feed',
      ticks: [
        tick({
          tsMs: 1740729565000,
          receivedMs: 1740729566039,
          instrumentKey: NIFTY,
          mode: 'full',
          frameType: 'live_feed',
          ltp: 22124.7,
          cp: 22545.05,
          dayOpen: 22433.4,
          dayHigh: 22450.85,
          dayLow: 22104.85,
          dayClose: 22124.7,
        }),
      ],
      statuses: [],
      issues: [],
    });
  });

  it('reads the ltpc mode', () => {
    const rows = normalise(sampleFrame('market-data-feed-v3-ltpc.json'));
    expect(rows).toEqual({
      frameType: 'live_feed',
      ticks: [tick({ tsMs: 1740729552723, receivedMs: 1740729566039, instrumentKey: 'NSE_FO|45450', mode: 'ltpc', frameType: 'live_feed', ltp: 219.3, ltq: 75, cp: 494.05 })],
      statuses: [],
      issues: [],
    });
  });

  it('reads the option greeks mode', () => {
    const rows = normalise(sampleFrame('market-data-feed-v3-option-greeks.json'));
    expect(rows).toEqual({
      frameType: 'live_feed',
      ticks: [
        tick({
          tsMs: 1740729552723,
          receivedMs: 1740729566039,
          instrumentKey: 'NSE_FO|45450',
          mode: 'option_greeks',
          frameType: 'live_feed',
          ltp: 219.3,
          ltq: 75,
          cp: 494.05,
          bidPrice: 219.1,
          bidQty: 1200,
          askPrice: 219.5,
          askQty: 675,
          volume: 18422700,
          oi: 3421575,
          iv: 0.1641,
          delta: 0.4312,
          theta: -21.87,
          gamma: 0.0011,
          vega: 12.06,
          rho: 2.31,
        }),
      ],
      statuses: [],
      issues: [],
    });
  });

  it('reads the market info frame', () => {
    const rows = normalise(sampleFrame('market-data-feed-v3-market-info.json'));
    const segments = ['NSE_COM', 'NCD_FO', 'NSE_FO', 'BSE_EQ', 'BCD_FO', 'BSE_FO', 'NSE_EQ', 'MCX_FO', 'MCX_INDEX', 'NSE_INDEX', 'BSE_INDEX'];
    expect(rows).toEqual({
      frameType: 'market_info',
      ticks: [],
      statuses: segments.map((segment) => ({ tsMs: 1732775008661, segment, status: 'NORMAL_OPEN' })),
      issues: [],
    });
  });
});

describe('feed normaliser recorded frames', () => {
  const day = { dayOpen: 22568.95, dayHigh: 22613.3, dayLow: 22530 };
  const bankDay = { dayOpen: 48732.2, dayHigh: 48972.55, dayLow: 48732.2 };
  const nifty = (fields: { tsMs: number; receivedMs: number; frameType: 'initial_feed' | 'live_feed'; ltp: number }) =>
    tick({ ...fields, instrumentKey: NIFTY, mode: 'full', cp: 22547.55, ...day, dayClose: fields.ltp });
  const bank = (fields: { tsMs: number; receivedMs: number; frameType: 'initial_feed' | 'live_feed'; ltp: number }) =>
    tick({ ...fields, instrumentKey: BANK, mode: 'full', cp: 48608.35, ...bankDay, dayClose: fields.ltp });

  it('yields the exact rows', () => {
    const state = new FeedState();
    const [info, ...feeds] = recordedFrames().map((frame) => normalise(frame, state));
    const segments = ['NCD_FO', 'BCD_FO', 'NSE_INDEX', 'NSE_EQ', 'BSE_INDEX', 'BSE_FO', 'MCX_FO', 'NSE_FO', 'NSE_COM', 'BSE_EQ', 'MCX_INDEX'];
    expect(info).toEqual({ frameType: 'market_info', ticks: [], statuses: segments.map((segment) => ({ tsMs: 1740631250455, segment, status: 'NORMAL_OPEN' })), issues: [] });
    expect(feeds.map((rows) => rows.frameType)).toEqual(['initial_feed', 'live_feed', 'live_feed']);
    expect(feeds.flatMap((rows) => rows.issues)).toEqual([]);
    expect(feeds.map((rows) => rows.ticks)).toEqual([
      [
        bank({ tsMs: 1740631251000, receivedMs: 1740631251550, frameType: 'initial_feed', ltp: 48898.7 }),
        nifty({ tsMs: 1740631251000, receivedMs: 1740631251550, frameType: 'initial_feed', ltp: 22546 }),
      ],
      [
        bank({ tsMs: 1740631251000, receivedMs: 1740631251858, frameType: 'live_feed', ltp: 48893.1 }),
        nifty({ tsMs: 1740631251000, receivedMs: 1740631251858, frameType: 'live_feed', ltp: 22545.4 }),
      ],
      [
        bank({ tsMs: 1740631252000, receivedMs: 1740631252307, frameType: 'live_feed', ltp: 48892.45 }),
        nifty({ tsMs: 1740631252000, receivedMs: 1740631252307, frameType: 'live_feed', ltp: 22544.35 }),
      ],
    ]);
  });

  it('shares an ltt across two frames', () => {
    const state = new FeedState();
    const rows = recordedFrames().flatMap((frame) => normalise(frame, state).ticks.filter((row) => row.instrumentKey === NIFTY));
    expect(rows.map((row) => row.tsMs)).toEqual([1740631251000, 1740631251000, 1740631252000]);
    expect(new Set(rows.map((row) => `${row.tsMs}|${row.receivedMs}`)).size).toBe(3);
  });

  it('carries the day bar and price of a delta', () => {
    const state = new FeedState();
    const [info, initial, live] = recordedFrames();
    normalise(info!, state);
    normalise(initial!, state);
    // The second frame with NIFTY 50 reduced to a new trade time only, as a delta that changed nothing else.
    const delta: FeedResponseJson = {
      type: 'live_feed',
      currentTs: live!.currentTs!,
      feeds: { [NIFTY]: { fullFeed: { indexFF: { ltpc: { ltt: '1740631251400' } } }, requestMode: 'full_d5' } },
    };
    const rows = normalise(delta, state);
    expect(rows.ticks).toEqual([nifty({ tsMs: 1740631251400, receivedMs: 1740631251858, frameType: 'live_feed', ltp: 22546 })]);
  });

  it('restarts the state on a snapshot', () => {
    const state = new FeedState();
    const [, initial] = recordedFrames();
    normalise(initial!, state);
    const snapshot: FeedResponseJson = { currentTs: '1740631260000', feeds: { [NIFTY]: { fullFeed: { indexFF: { ltpc: { ltp: 22550, ltt: '1740631259000' } } }, requestMode: 'full_d5' } } };
    const rows = normalise(snapshot, state);
    expect(rows.ticks).toEqual([tick({ tsMs: 1740631259000, receivedMs: 1740631260000, instrumentKey: NIFTY, mode: 'full', frameType: 'initial_feed', ltp: 22550 })]);
  });
});

describe('feed normaliser edge cases', () => {
  it('carries each greek alone', () => {
    const state = new FeedState();
    normalise(sampleFrame('market-data-feed-v3-option-greeks.json'), state);
    const delta: FeedResponseJson = {
      type: 'live_feed',
      currentTs: '1740729567000',
      feeds: { 'NSE_FO|45450': { firstLevelWithGreeks: { ltpc: { ltp: 219.5, ltt: '1740729566500', ltq: '150' }, optionGreeks: { delta: 0.44 } }, requestMode: 'option_greeks' } },
    };
    const [row] = normalise(delta, state).ticks;
    expect([row?.ltp, row?.ltq, row?.cp, row?.tsMs]).toEqual([219.5, 150, 494.05, 1740729566500]);
    expect([row?.delta, row?.theta, row?.gamma, row?.vega, row?.rho]).toEqual([0.44, -21.87, 0.0011, 12.06, 2.31]);
    expect([row?.bidPrice, row?.askPrice, row?.volume, row?.oi, row?.iv]).toEqual([219.1, 219.5, 18422700, 3421575, 0.1641]);
  });

  it('nulls an empty depth side', () => {
    const state = new FeedState();
    normalise(sampleFrame('market-data-feed-v3-full-initial.json'), state);
    // At the upper circuit the ask side is empty, and proto3 leaves out its zeros.
    const delta: FeedResponseJson = {
      type: 'live_feed',
      currentTs: '1742373999000',
      feeds: { [HDFC]: { fullFeed: { marketFF: { marketLevel: { bidAskQuote: [{ bidQ: '900', bidP: 1313.9 }] } } }, requestMode: 'full_d5' } },
    };
    const [row] = normalise(delta, state).ticks;
    expect([row?.bidPrice, row?.bidQty, row?.askPrice, row?.askQty]).toEqual([1313.9, 900, null, null]);
    expect(row?.tsMs).toBe(1742373997241);
  });

  it('starts afresh on a mode change', () => {
    const state = new FeedState();
    normalise(sampleFrame('market-data-feed-v3-option-greeks.json'), state);
    const [row] = normalise(sampleFrame('market-data-feed-v3-ltpc.json'), state).ticks;
    expect(row).toEqual(tick({ tsMs: 1740729552723, receivedMs: 1740729566039, instrumentKey: 'NSE_FO|45450', mode: 'ltpc', frameType: 'live_feed', ltp: 219.3, ltq: 75, cp: 494.05 }));
  });

  it('stamps a frame without currentTs', () => {
    const rows = normalise({ type: 'live_feed', feeds: { 'NSE_FO|1': { ltpc: { ltp: 10 } } } });
    expect(rows.ticks).toEqual([tick({ tsMs: ARRIVED, receivedMs: ARRIVED, instrumentKey: 'NSE_FO|1', mode: 'ltpc', frameType: 'live_feed', ltp: 10 })]);
  });

  it('reports impossible values', () => {
    const rows = normalise({ type: 'live_feed', currentTs: '12', feeds: { 'NSE_FO|1': { ltpc: { ltp: 10, ltt: '99', ltq: '-5' } }, 'NSE_FO|2': {} } });
    expect(rows.ticks).toEqual([tick({ tsMs: ARRIVED, receivedMs: ARRIVED, instrumentKey: 'NSE_FO|1', mode: 'ltpc', frameType: 'live_feed', ltp: 10 })]);
    expect(rows.issues).toEqual([
      'currentTs is "12", not epoch milliseconds after 2000-01-01; the arrival time stamps the rows',
      'NSE_FO|1 ltpc.ltt is "99", not epoch milliseconds after 2000-01-01; the last value is kept',
      'NSE_FO|1 ltpc.ltq is "-5", not a whole number from 0 to 2^53; the last value is kept',
      'NSE_FO|2 has a feed entry with no ltpc, fullFeed or firstLevelWithGreeks block; no row is written for it',
    ]);
  });

  it('keeps volumes beyond 2^53 out', () => {
    const rows = normalise({ type: 'live_feed', currentTs: '1740729566039', feeds: { 'NSE_FO|1': { firstLevelWithGreeks: { ltpc: { ltp: 1, ltt: '1740729566000' }, vtt: '9007199254740993' }, requestMode: 'option_greeks' } } });
    expect(rows.ticks[0]?.volume).toBeNull();
    expect(rows.issues).toEqual(['NSE_FO|1 vtt is "9007199254740993", not a whole number from 0 to 2^53; the last value is kept']);
  });
});
