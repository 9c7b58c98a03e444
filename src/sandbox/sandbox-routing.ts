// The routing file the sandbox writes: the seeded reps in their queues and territories, and the seed's
// fallback rep as the single point of contact, so handoffs in the sandbox go to reps that exist.
import { stringify } from "yaml";
import type { SeedData } from "./seed/types.js";

export function sandboxRoutingText(seed: SeedData): string {
  const rules = seed.queues.map((q) => {
    const members = seed.reps.filter((r) => r.queue === q.name);
    const countries = [...new Set(members.flatMap((r) => r.territory.countries))];
    const states = [...new Set(members.flatMap((r) => r.territory.states ?? []))];
    return {
      id: q.name,
      description: `Territory of the ${q.name} queue`,
      when: states.length > 0 ? { country: countries, state: states } : { country: countries },
      assign: { queue: q.name },
    };
  });
  const fallback = seed.reps.find((r) => r.key === seed.fallbackRepKey) ?? seed.reps[0]!;
  const definition = {
    version: 1,
    keepAccountOwner: true,
    queues: Object.fromEntries(
      seed.queues
        .filter((q) => q.repKeys.length > 0)
        .map((q) => [q.name, q.repKeys.map((k) => repEmail(seed, k))]),
    ),
    rules: rules.filter((r) => seed.queues.find((q) => q.name === r.id)?.repKeys.length),
    fallback: fallback.email,
  };
  return `# Written by \`leadloop sandbox\` from the seeded reps.\n${stringify(definition)}`;
}

function repEmail(seed: SeedData, key: string): string {
  return seed.reps.find((r) => r.key === key)!.email;
}
