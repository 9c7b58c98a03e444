// Checks the loaded mappings against the systems' own schemas (HubSpot properties, Salesforce describe),
// describing each object once: unknown fields, types that cannot convert, picklist values the target
// refuses, required fields with no source.

import type { ObjectMapping } from "../core/mapping.js";
import { checkMapping, type MappingProblem } from "../core/mapping-check.js";
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
