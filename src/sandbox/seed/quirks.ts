// The messy cases every block of contacts is guaranteed to contain, so any seed with enough contacts
// exercises them all. Each block of 100 contacts gets each quirk once, in a seeded order, right after
// two plain slots (in block 0 those are the anchor contacts the CRM side builds on).
import { type SeedContext, STREAM } from "./context.js";
import { Random } from "./random.js";

export const QUIRKS = [
  "accentName",
  "oddCase",
  "padded",
  "caseDuplicate",
  "freeMail",
  "competitor",
  "student",
  "blankPhone",
  "blankTitle",
  "blankCountry",
  "blankLastName",
  "longTitle",
  "longCompanyName",
  "hot",
] as const;
export type Quirk = (typeof QUIRKS)[number];

export const QUIRK_BLOCK = 100;
const FIRST_QUIRK_SLOT = 2;

/** Contacts 0 and 1 work at the first two (customer) companies and have CRM Contacts. */
export function isAnchor(index: number): boolean {
  return index < FIRST_QUIRK_SLOT;
}

export function quirkAt(ctx: SeedContext, index: number): Quirk | undefined {
  const slot = (index % QUIRK_BLOCK) - FIRST_QUIRK_SLOT;
  if (slot < 0 || slot >= QUIRKS.length) return undefined;
  const order = new Random(ctx.seed, STREAM.quirkBlock, Math.floor(index / QUIRK_BLOCK)).shuffle(QUIRKS);
  return order[slot];
}
