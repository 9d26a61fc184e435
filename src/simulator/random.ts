// Deterministic randomness for synthetic candles. Every value is derived from a text seed
// (instrument key, date, purpose), never from Math.random or a shared sequence, so any bar
// can be computed alone and comes out the same in every process.

/** Hashes text to an unsigned 32-bit integer: FNV-1a, then a finalizer that spreads the bits. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return finalize(hash);
}

function finalize(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Creates a generator of uniform numbers in (0, 1) from a 32-bit seed (a Weyl sequence, finalized). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return (finalize(state) + 0.5) / 4_294_967_296;
  };
}

/** Returns a standard normal number drawn from `random` (Box-Muller). */
export function normalFrom(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** Returns a uniform number in (0, 1) fixed by `seed`. */
export function uniformOf(seed: string): number {
  return (hashText(seed) + 0.5) / 4_294_967_296;
}

/** Returns a standard normal number fixed by `seed`. */
export function normalOf(seed: string): number {
  return normalFrom(createRandom(hashText(seed)));
}

/** Returns a number between `min` and `max`, spread evenly on a log scale, fixed by `seed`. */
export function logUniformOf(seed: string, min: number, max: number): number {
  return min * Math.exp(Math.log(max / min) * uniformOf(seed));
}
