// Seeded pseudo-random numbers for the seed generator: sfc32 for the stream, and a 32-bit mix that turns
// (seed, stream, index) into an independent stream so any record can be generated on its own.

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes numbers (integers up to 2^53, negatives allowed) into one 32-bit seed. */
export function hashSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const whole = Math.trunc(part);
    // The high word too, so seeds above 2^32 do not collapse onto smaller ones.
    const high = Math.floor(whole / 0x100000000);
    h = fmix32((h ^ whole) + 0x9e3779b9);
    h = fmix32((h ^ high) + 0x7f4a7c15);
  }
  return h;
}

/** sfc32 (Small Fast Counting generator): floats in [0, 1). */
export function sfc32(seed: number): () => number {
  let a = fmix32(seed ^ 0x9e3779b9);
  let b = fmix32(seed ^ 0x243f6a88);
  let c = fmix32(seed ^ 0xb7e15162);
  let d = seed | 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of a fresh state are poorly mixed.
  for (let i = 0; i < 12; i++) next();
  return next;
}
