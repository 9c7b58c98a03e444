// The generator's inputs and their defaults. `now` is an input so the output never depends on the clock.

export interface SeedOptions {
  seed: number;
  now: Date;
  /** Marketing contacts; default 200. */
  contacts?: number;
  /** Default contacts / 5 (at least 1). */
  companies?: number;
  /** Default 6. */
  reps?: number;
  /** How far back activity goes; default 2. */
  yearsOfHistory?: number;
  /** Mean activities per contact; default 8. */
  activitiesPerContact?: number;
}

export type ResolvedOptions = Required<SeedOptions>;

function count(value: number | undefined, fallback: number, name: string, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min) {
    throw new RangeError(`seed option ${name} must be an integer >= ${min}, got ${resolved}`);
  }
  return resolved;
}

export function resolveOptions(options: SeedOptions): ResolvedOptions {
  if (!Number.isFinite(options.seed)) throw new RangeError("seed option seed must be a finite number");
  if (Number.isNaN(options.now.getTime())) throw new RangeError("seed option now must be a valid date");
  const contacts = count(options.contacts, 200, "contacts", 0);
  const years = options.yearsOfHistory ?? 2;
  const perContact = options.activitiesPerContact ?? 8;
  if (!(years > 0)) throw new RangeError("seed option yearsOfHistory must be > 0");
  if (!(perContact >= 0)) throw new RangeError("seed option activitiesPerContact must be >= 0");
  return {
    seed: options.seed,
    now: options.now,
    contacts,
    companies: count(options.companies, Math.max(1, Math.round(contacts / 5)), "companies", 1),
    reps: count(options.reps, 6, "reps", 1),
    yearsOfHistory: years,
    activitiesPerContact: perContact,
  };
}
