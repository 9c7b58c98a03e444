// The random choices the generator makes (ints, picks, weights, time spans) over one seeded sfc32 stream.
import { hashSeed, sfc32 } from "./prng.js";

export type Weighted<T> = readonly (readonly [T, number])[];

export class Random {
  private readonly next: () => number;

  /** One independent stream per combination of seed parts, e.g. (seed, stream id, record index). */
  constructor(...seedParts: readonly number[]) {
    this.next = sfc32(hashSeed(...seedParts));
  }

  float(): number {
    return this.next();
  }

  /** Integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number {
    return min + Math.floor(this.next() * Math.max(0, maxExclusive - min));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  weighted<T>(entries: Weighted<T>): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error("weighted pick from an empty list");
    return last[0];
  }

  /** A time in [fromMs, toMs]; an empty or inverted span gives `toMs`. */
  time(fromMs: number, toMs: number): Date {
    if (toMs <= fromMs) return new Date(toMs);
    return new Date(Math.floor(fromMs + this.next() * (toMs - fromMs)));
  }

  digits(count: number): string {
    let out = "";
    for (let i = 0; i < count; i++) out += String(this.int(0, 10));
    return out;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const a = out[i] as T;
      out[i] = out[j] as T;
      out[j] = a;
    }
    return out;
  }
}
