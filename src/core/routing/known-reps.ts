// Which reps leadloop knows, for the commands that show one rep's leads (`--owner`): a mistyped email
// must not read as a rep with nothing to do.
import { nearestName } from "../text/edit-distance.js";
import type { RoutingDefinition } from "./definition.js";

/** Every rep the routing can name (queue members, rule reps, the fallback), lower-cased. */
export function routingReps(routing: RoutingDefinition): string[] {
  const emails = new Set<string>([routing.fallback.toLowerCase()]);
  for (const members of Object.values(routing.queues)) for (const m of members) emails.add(m.toLowerCase());
  for (const rule of routing.rules) if ("rep" in rule.assign) emails.add(rule.assign.rep.toLowerCase());
  return [...emails];
}

export type RepLookup = { known: true } | { known: false; nearest: string | null };

/**
 * Whether `email` names one of the `known` reps (lower-cased emails), ignoring case and surrounding
 * blanks; when it does not, the nearest known email, if one is close enough to be the one meant.
 */
export function lookUpRep(email: string, known: Iterable<string>): RepLookup {
  const wanted = email.trim().toLowerCase();
  const reps = new Set(known);
  if (reps.has(wanted)) return { known: true };
  // The budget of edits is the name's: the part after the @ is what colleagues share.
  const at = wanted.lastIndexOf("@");
  return { known: false, nearest: nearestName(reps, wanted, at < 0 ? wanted.length : at) ?? null };
}
