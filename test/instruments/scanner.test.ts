import { describe, expect, it } from 'vitest';
import { JsonArrayError, JsonArrayScanner } from '../../src/instruments/json-array-scanner.js';

/** Feeds `text` to a scanner in pieces of `size` bytes and returns the elements and the count `end` returns. */
function scan(text: string | Buffer, size = Number.POSITIVE_INFINITY): { elements: unknown[]; count: number } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const scanner = new JsonArrayScanner();
  const elements: unknown[] = [];
  for (let at = 0; at < bytes.length; at += Math.min(size, bytes.length)) {
    elements.push(...scanner.push(bytes.subarray(at, at + Math.min(size, bytes.length))));
  }
  return { elements, count: scanner.end() };
}

const TRICKY = ' [ {"a":"x}y","b":"q\\"}\\\\","c":[1,{"d":"]"}]} ,\n{"e":"नमस्ते €"},{}]\n';
const TRICKY_ELEMENTS = [{ a: 'x}y', b: 'q"}\\', c: [1, { d: ']' }] }, { e: 'नमस्ते €' }, {}];

describe('JSON array scanner', () => {
  it('reads objects whole', () => {
    expect(scan(TRICKY)).toEqual({ elements: TRICKY_ELEMENTS, count: 3 });
  });

  it('reads objects split at every byte', () => {
    const bytes = Buffer.from(TRICKY, 'utf8');
    for (const size of [1, 2, 3, 5, 7, 16]) {
      expect(scan(bytes, size).elements).toEqual(TRICKY_ELEMENTS);
    }
  });

  it('reads an empty array', () => {
    expect(scan('[]')).toEqual({ elements: [], count: 0 });
  });

  it('skips a byte order mark', () => {
    expect(scan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')])).elements).toEqual([{ a: 1 }]);
  });

  it('rejects a truncated array', () => {
    const scanner = new JsonArrayScanner();
    expect([...scanner.push(Buffer.from('[{"a":1},{"b":'))]).toEqual([{ a: 1 }]);
    expect(() => scanner.end()).toThrow(/ends inside the array, after 1 elements: the input is truncated/);
  });

  it('rejects empty input', () => {
    expect(() => scan('')).toThrow(/ends before the array starts/);
  });

  it('rejects a trailing comma', () => {
    expect(() => scan('[{"a":1},]')).toThrow(/expected an object as element 1, found "]" at byte 9/);
  });

  it('rejects a missing comma', () => {
    expect(() => scan('[{"a":1} {"b":2}]')).toThrow(/expected "," or "]" after element 0/);
  });

  it('rejects a top-level object', () => {
    expect(() => scan('{"a":1}')).toThrow(/expected the array to start with "\[", found "{" at byte 0/);
  });

  it('rejects text after the array', () => {
    expect(() => scan('[{"a":1}] x')).toThrow(JsonArrayError);
  });

  it('rejects a scalar element', () => {
    expect(() => scan('[1,2]')).toThrow(/expected an object as element 0, found "1"/);
  });

  it('rejects invalid JSON inside an element', () => {
    expect(() => scan('[{"a":01}]')).toThrow(/element 0 at byte 1 is not valid JSON/);
  });

  it('rejects pushing before the last chunk is read', () => {
    const scanner = new JsonArrayScanner();
    const first = scanner.push(Buffer.from('[{"a":1},{"b":2}]'));
    first.next();
    expect(() => scanner.push(Buffer.from(' ')).next()).toThrow(/before the previous chunk was read to its end/);
  });
});
