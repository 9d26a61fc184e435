import { describe, expect, it } from 'vitest';
import { decodeFeedResponse, encodeFeedResponse, FeedDecodeError } from '../../src/feed/decode.js';
import { FEED_SAMPLES, recordedFrames, sampleFrame } from './samples.js';

// Each sample is encoded to protobuf bytes with the vendored schema, then decoded: the result
// must be the sample itself, key order included, as the feed consumer receives it.

describe('feed decoder', () => {
  for (const name of FEED_SAMPLES) {
    it(`round-trips ${name}`, () => {
      const frame = sampleFrame(name);
      const decoded = decodeFeedResponse(encodeFeedResponse(frame));
      expect(decoded).toEqual(frame);
      expect(JSON.stringify(decoded)).toBe(JSON.stringify(frame));
    });
  }

  it('round-trips the recorded frames', () => {
    for (const frame of recordedFrames()) {
      expect(JSON.stringify(decodeFeedResponse(encodeFeedResponse(frame)))).toBe(JSON.stringify(frame));
    }
  });

  it('keeps int64 values exact', () => {
    const decoded = decodeFeedResponse(encodeFeedResponse({ type: 'live_feed', currentTs: '9007199254740993', feeds: { 'NSE_FO|1': { ltpc: { ltt: '9223372036854775807' } } } }));
    expect(decoded.currentTs).toBe('9007199254740993');
    expect(decoded.feeds?.['NSE_FO|1']?.ltpc?.ltt).toBe('9223372036854775807');
  });

  it('leaves out default values', () => {
    const decoded = decodeFeedResponse(encodeFeedResponse({ type: 'initial_feed', currentTs: '1', feeds: { 'NSE_FO|1': { ltpc: { ltp: 0, ltq: '0', cp: 5 }, requestMode: 'ltpc' } } }));
    expect(decoded).toEqual({ currentTs: '1', feeds: { 'NSE_FO|1': { ltpc: { cp: 5 } } } });
  });

  it('rejects bytes that do not parse', () => {
    expect(() => decodeFeedResponse(Uint8Array.from([0x0a, 0xff, 0xff, 0xff]))).toThrow(FeedDecodeError);
    expect(() => decodeFeedResponse(Uint8Array.from([0x0a, 0xff, 0xff, 0xff]))).toThrow(/a feed frame of 4 bytes is not a valid FeedResponse/);
  });
});
