// Checks the loaded mappings against the systems' own schemas (HubSpot properties, Salesforce describe),
// describing each object once: unknown fields, types that cannot convert, picklist values the target
// refuses, required fields with no source; the custom fields the funnel writes and reads on the CRM's
// person records; and the reps the routing and the SLA name against the systems' owners.

import type { ObjectMapping } from "../core/mapping.js";
import type { DispositionMaps } from "../core/funnel/dispositions.js";
import { checkDispositionStatuses, checkMapping, type MappingProblem } from "../core/mapping-check.js";
import type { ObjectDescription } from "../core/object-schema.js";
import { checkDefinitionFields } from "../core/scoring/definition-field-check.js";
import { definitionFields } from "../core/scoring/definition-fields.js";
import type { QualificationDefinition } from "../core/scoring/definition.js";
import { routingReps } from "../core/routing/known-reps.js";
import { checkNamedReps, type NamedReps } from "../core/routing/owner-check.js";
import type { HandoffVocabulary } from "./funnel/handoff-vocabulary.js";
import type { SystemPort } from "./system-port.js";

export async function checkMappingsLive(
  mappings: readonly ObjectMapping[],
  marketing: SystemPort,
  crm: SystemPort,
): Promise<MappingProblem[]> {
  const described = new Map<string, Promise<ObjectDescription>>();
  const describe = (port: SystemPort, object: string) => {
    const key = `${port.system}:${object}`;
    if (!described.has(key)) described.set(key, port.describe(object));
    return described.get(key)!;
  };
  const problems: MappingProblem[] = [];
  for (const mapping of mappings) {
    const [m, c] = await Promise.all([
      describe(marketing, mapping.marketingObject),
      describe(crm, mapping.crmObject),
    ]);
    problems.push(...checkMapping(mapping, m, c));
  }
  return problems;
}

/** The qualification's disposition statuses for the CRM in use, against the CRM's live status picklist. */
export async function checkDispositionsLive(
  dispositions: DispositionMaps,
  source: string,
  crm: SystemPort,
  status: { object: string; field: string },
): Promise<MappingProblem[]> {
  const description = await crm.describe(status.object);
  const field = description.fields.find((f) => f.name === status.field);
  const statuses = (dispositions[crm.system] ?? []).map((e) => e.status);
  return checkDispositionStatuses(statuses, field, { source, crm: crm.system, object: status.object });
}

/**
 * The fields the funnel writes and reads on the CRM's person records (the vocabulary's scores, MQL date,
 * reasons, summary and disposition reason: the README's Salesforce setup asks admins to create them on
 * Lead and Contact), against the objects' live schemas. A missing one fails the handoff's writes; without
 * the disposition reason a sync reads the lead status alone and gives every verdict its map's reason
 * (funnel/reason-field.ts), which the setup did not mean either. Not asked with HubSpot as the CRM, where
 * leadloop creates its own properties before its first write.
 */
export async function checkFunnelFieldsLive(
  vocabulary: Pick<HandoffVocabulary, "personObjects" | "fields">,
  source: string,
  crm: SystemPort,
): Promise<MappingProblem[]> {
  const { extra: _extra, ...named } = vocabulary.fields;
  const wanted = Object.values(named).filter((f): f is string => f !== null);
  const problems: MappingProblem[] = [];
  for (const object of vocabulary.personObjects) {
    const have = new Set((await crm.describe(object)).fields.map((f) => f.name.toLowerCase()));
    const missing = wanted.filter((f) => !have.has(f.toLowerCase()));
    for (const field of missing) {
      problems.push({
        mapping: "qualification",
        source,
        field: `${object}.${field}`,
        side: "crm",
        message: `the ${crm.system} object ${object} has no field ${field}, which the funnel writes and reads; create it as the README's Salesforce setup says`,
        severity: "error",
      });
    }
  }
  return problems;
}

/**
 * The contact and company properties the qualification names, against the portal's (HubSpot is the
 * marketing system in both CRM modes). Two describes: contacts, and companies when a rule reads one.
 */
export async function checkQualificationFieldsLive(
  definition: QualificationDefinition,
  source: string,
  marketing: SystemPort,
): Promise<MappingProblem[]> {
  const person = await marketing.describe("contacts");
  // No rule reads a company: nothing to look up there, and no call spent on it.
  const company =
    definitionFields(definition).company.length > 0
      ? await marketing.describe("companies")
      : { system: person.system, object: "companies", fields: [] };
  return checkDefinitionFields(definition, { person, company }, source);
}

/**
 * The reps routing.yaml and sla.yaml name, against the CRM's active users and, with a separate CRM, the
 * portal's owners: one look-up each, by email, as a handoff makes them.
 */
export async function checkNamedRepsLive(
  named: NamedReps,
  crm: { system: string; ownersByEmail: HandoffVocabulary["ownersByEmail"] },
  marketing: { system: string; ownersByEmail: (emails: readonly string[]) => Promise<Map<string, string>> } | null,
): Promise<MappingProblem[]> {
  const emails = [...new Set([...routingReps(named.routing), ...Object.values(named.managers)].map((e) => e.trim().toLowerCase()))];
  const active = async (lookUp: (emails: readonly string[]) => Promise<Map<string, string>>) =>
    new Set([...(await lookUp(emails)).keys()]);
  return checkNamedReps(named, {
    crm: { system: crm.system, emails: await active(crm.ownersByEmail) },
    marketing: marketing ? { system: marketing.system, emails: await active(marketing.ownersByEmail) } : null,
  });
}
