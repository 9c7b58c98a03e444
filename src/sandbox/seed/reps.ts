// Sales reps, their queues and territories, and the owner a record gets by territory. Canada and Brazil
// belong to no territory on purpose, so routing's single-point-of-contact fallback gets exercised.
import { namePairAt, type SeedContext, STREAM } from "./context.js";
import { Random } from "./random.js";
import { QUEUES, type QueueName, type SeedQueue, type SeedRep, type Territory } from "./types.js";
import { SELLER_DOMAIN } from "./vocab/business.js";
import { asciiName } from "./vocab/names.js";
import { US_EAST_STATES, US_WEST_STATES } from "./vocab/places.js";

const TERRITORIES: Readonly<Record<QueueName, Territory>> = {
  "na-east": { countries: ["US"], states: [...US_EAST_STATES] },
  "na-west": { countries: ["US"], states: [...US_WEST_STATES] },
  emea: { countries: ["GB", "DE", "FR", "ES", "NL"] },
  apac: { countries: ["JP", "AU", "IN"] },
};

export function buildReps(ctx: SeedContext): SeedRep[] {
  const offset = new Random(ctx.seed, STREAM.rep).int(0, ctx.plainNames.size);
  const reps: SeedRep[] = [];
  for (let i = 0; i < ctx.options.reps; i++) {
    const pair = namePairAt(ctx.plainNames, offset, i);
    const queue = QUEUES[i % QUEUES.length] ?? "na-east";
    const territory = TERRITORIES[queue];
    const suffix = pair.cycle === 0 ? "" : String(pair.cycle + 1);
    reps.push({
      key: `rep-${i + 1}`,
      firstName: pair.first,
      lastName: pair.last,
      email: `${asciiName(pair.first)}.${asciiName(pair.last)}${suffix}@${SELLER_DOMAIN}`,
      territory: {
        countries: [...territory.countries],
        ...(territory.states ? { states: [...territory.states] } : {}),
      },
      queue,
      fallback: i === 0,
    });
  }
  return reps;
}

export function buildQueues(reps: readonly SeedRep[]): SeedQueue[] {
  return QUEUES.map((name) => ({
    name,
    repKeys: reps.filter((rep) => rep.queue === name).map((rep) => rep.key),
  }));
}

function covers(territory: Territory, iso: string, state: string | undefined): boolean {
  if (!territory.countries.includes(iso)) return false;
  return territory.states === undefined || (state !== undefined && territory.states.includes(state));
}

/** A rep whose territory covers the place, else the fallback rep: who already owns a CRM record. */
export function ownerFor(
  reps: readonly SeedRep[],
  rng: Random,
  iso: string | undefined,
  state?: string,
): string {
  const candidates = iso === undefined ? [] : reps.filter((rep) => covers(rep.territory, iso, state));
  const fallback = reps.find((rep) => rep.fallback) ?? reps[0];
  if (fallback === undefined) throw new Error("no reps to own records");
  return candidates.length > 0 ? rng.pick(candidates).key : fallback.key;
}
