// Seeded PRNG whose whole state is four uint32s, so a checkpoint can save and restore it exactly.
// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): fast, passes PractRand, trivially serialisable.

export type RngState = [number, number, number, number];

/** Mixes any number of integers into one uint32 (for deriving per-epoch / per-step seeds). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Large numbers (beyond 2^32) still contribute their high part.
    const hi = Math.floor(p / 4294967296) >>> 0;
    if (hi) h = Math.imul(h ^ hi, 0x27d4eb2f) ^ (h >>> 15);
  }
  return h >>> 0;
}

export class Rng {
  private s: RngState;

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      this.s = [seed[0] >>> 0, seed[1] >>> 0, seed[2] >>> 0, seed[3] >>> 0];
    } else {
      const x = mixSeed(seed);
      this.s = [0x9e3779b9, 0x243f6a88, 0xb7e15162, x];
      for (let i = 0; i < 15; i++) this.nextUint32(); // warm up so similar seeds diverge
    }
  }

  state(): RngState {
    return [...this.s] as RngState;
  }

  nextUint32(): number {
    let [a, b, c, d] = this.s;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    this.s = [a >>> 0, b, c, d];
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** A permutation of 0..n-1 determined only by (seed, epoch): resuming mid-epoch reproduces the order. */
export function epochPermutation(n: number, seed: number, epoch: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  return new Rng(mixSeed(seed, epoch, 0x5eed)).shuffle(idx);
}
