// What every record generator shares for one run: resolved options, the time window, and the seeded
// permutations that keep names and domains unique without remembering what was already generated.
import { type ResolvedOptions, resolveOptions, type SeedOptions } from "./options.js";
import { Random } from "./random.js";
import { ACCENTED_FIRST_NAMES, LAST_NAMES, PLAIN_FIRST_NAMES } from "./vocab/names.js";

/** Stream ids: each kind of record draws from its own stream, so adding draws to one never shifts another. */
export const STREAM = {
  setup: 1,
  company: 2,
  contact: 3,
  quirkBlock: 4,
  companyNames: 5,
  crmPerson: 6,
  account: 7,
  rep: 8,
  repLeads: 9,
  enrichment: 10,
} as const;

export const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

/**
 * First × last name pairs visited in a seeded order: slot j of a company gets pair (offset + j·stride)
 * mod size, and a stride coprime with size makes that a bijection, so one company never repeats a pair.
 */
export interface NameGrid {
  firsts: readonly string[];
  size: number;
  stride: number;
}

export interface SeedContext {
  options: ResolvedOptions;
  seed: number;
  nowMs: number;
  startMs: number;
  /** Companies that are customers: the first ones, whose names the permutation already shuffled. */
  customerCount: number;
  companyStride: number;
  companyOffset: number;
  plainNames: NameGrid;
  accentedNames: NameGrid;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A stride in [1, size) coprime with size (1 when size is 1 or 2). */
export function coprimeStride(rng: Random, size: number): number {
  if (size <= 2) return 1;
  let stride = rng.int(1, size);
  while (gcd(stride, size) !== 1) stride = (stride % (size - 1)) + 1;
  return stride;
}

export function createContext(input: SeedOptions, companyNameSpace: number): SeedContext {
  const options = resolveOptions(input);
  const rng = new Random(options.seed, STREAM.setup);
  const nowMs = options.now.getTime();
  const grid = (firsts: readonly string[]): NameGrid => {
    const size = firsts.length * LAST_NAMES.length;
    return { firsts, size, stride: coprimeStride(rng, size) };
  };
  return {
    options,
    seed: options.seed,
    nowMs,
    startMs: nowMs - options.yearsOfHistory * YEAR_MS,
    customerCount: Math.max(Math.min(2, options.companies), Math.round(options.companies * 0.08)),
    companyStride: coprimeStride(rng, companyNameSpace),
    companyOffset: rng.int(0, companyNameSpace),
    plainNames: grid(PLAIN_FIRST_NAMES),
    accentedNames: grid(ACCENTED_FIRST_NAMES),
  };
}

export interface NamePair {
  first: string;
  last: string;
  /** 0 on the first pass through the grid; later passes add it to the email to stay unique. */
  cycle: number;
}

export function namePairAt(grid: NameGrid, offset: number, slot: number): NamePair {
  const index = (offset + (slot % grid.size) * grid.stride) % grid.size;
  const lastCount = LAST_NAMES.length;
  return {
    first: grid.firsts[Math.floor(index / lastCount)] ?? "",
    last: LAST_NAMES[index % lastCount] ?? "",
    cycle: Math.floor(slot / grid.size),
  };
}
