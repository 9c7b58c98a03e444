// Checks the reps routing.yaml and sla.yaml name against the owners the systems have, for `validate
// --live`. The routing treats a rep no active CRM user has as inactive and falls through to the next rule
// (walk.ts), which is right for a rep who left and silent for a misspelt email: that rep never gets a
// lead, and a misspelt fallback leaves unroutable leads with no owner (README "Qualification, routing
// and SLA").
import type { MappingProblem } from "../mapping-check.js";
import type { RoutingDefinition } from "./definition.js";
import { lookUpRep, routingReps } from "./known-reps.js";

/** Where the routing and the SLA name reps: the files, and their managers map (rep → manager, lower-cased). */
export interface NamedReps {
  routing: RoutingDefinition;
  routingSource: string;
  managers: Readonly<Record<string, string>>;
  slaSource: string;
}

/** The active owners' lower-cased emails on each side; `marketing` is null where the CRM is the portal. */
export interface ActiveOwners {
  crm: { system: string; emails: ReadonlySet<string> };
  marketing: { system: string; emails: ReadonlySet<string> } | null;
}

/**
 * A warning for each place a rep is named whom the CRM has no active user for (the routing passes them
 * by), and, with a separate CRM, whom the portal has no owner for (the handoff leaves the contact's owner
 * as it is). Warnings, not errors: a rep on leave is deactivated on purpose, and the routing is built for it.
 */
export function checkNamedReps(named: NamedReps, owners: ActiveOwners): MappingProblem[] {
  const places: { source: string; key: string; path: (string | number)[]; email: string; role: string }[] = [];
  const { routing } = named;
  places.push({ source: named.routingSource, key: "fallback", path: ["fallback"], email: routing.fallback, role: "the fallback rep" });
  for (const [queue, members] of Object.entries(routing.queues))
    members.forEach((email, i) =>
      places.push({ source: named.routingSource, key: `queues.${queue}[${i}]`, path: ["queues", queue, i], email, role: `a member of queue ${queue}` }),
    );
  routing.rules.forEach((rule, i) => {
    if ("rep" in rule.assign)
      places.push({ source: named.routingSource, key: `rules[${i}].assign.rep`, path: ["rules", i, "assign", "rep"], email: rule.assign.rep, role: `rule ${rule.id}'s rep` });
  });
  // The managers of the reps the routing gives leads to: an entry for anyone else (an example left in
  // the shipped sla.yaml, a rep who moved on) alerts no one, so its manager is not worth a warning.
  const routed = new Set(routingReps(routing));
  for (const [rep, manager] of Object.entries(named.managers))
    if (routed.has(rep.toLowerCase()))
      places.push({ source: named.slaSource, key: `onBreach.managers.${rep}`, path: ["onBreach", "managers", rep], email: manager, role: `${rep}'s manager` });

  const problems: MappingProblem[] = [];
  for (const place of places) {
    const email = place.email.trim().toLowerCase();
    const warn = (side: MappingProblem["side"], message: string) =>
      problems.push({ mapping: "routing", source: place.source, field: place.key, side, message, severity: "warning", path: place.path });
    const manager = place.source === named.slaSource && place.key.startsWith("onBreach.");
    const user = lookUpRep(email, owners.crm.emails);
    if (!user.known)
      warn(
        "crm",
        `${place.role}, ${email}, is no active ${owners.crm.system} user: ${manager ? "breach alerts go to the manager the CRM records, else to the owner" : "the routing passes them by, so they get no lead"}; ${user.nearest ? `did you mean ${user.nearest}?` : "fix the email if it is misspelt"}`,
      );
    else if (!manager && owners.marketing && !owners.marketing.emails.has(email))
      warn(
        "marketing",
        `${place.role}, ${email}, is no ${owners.marketing.system} owner: the contacts handed to them keep their owner in ${owners.marketing.system}`,
      );
  }
  return problems;
}
