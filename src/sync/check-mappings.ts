// Checks the loaded mappings against the systems' own schemas (HubSpot properties, Salesforce describe),
// describing each object once: unknown fields, types that cannot convert, picklist values the target
// refuses, required fields with no source.

import type { ObjectMapping } from "../core/mapping.js";
import type { DispositionMaps } from "../core/funnel/dispositions.js";
import { checkDispositionStatuses, checkMapping, type MappingProblem } from "../core/mapping-check.js";
import type { ObjectDescription } from "../core/object-schema.js";
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
