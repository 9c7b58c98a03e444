// HubSpot-defined association type ids between the modelled objects, from the Associations v4 reference
// (https://developers.hubspot.com/docs/api/crm/associations/associations-v4, "association type id values").
import { type ObjectType, singularOf } from "./object-types.js";

export interface AssociationTypeSpec {
  from: ObjectType;
  to: ObjectType;
  typeId: number;
  /** The id of the same association seen from the other side. */
  inverse: number;
  primary: boolean;
}

const PAIRS: ReadonlyArray<readonly [ObjectType, ObjectType, number, number, boolean]> = [
  ["contacts", "companies", 279, 280, false],
  ["contacts", "companies", 1, 2, true],
  ["deals", "contacts", 3, 4, false],
  ["deals", "companies", 341, 342, false],
  ["deals", "companies", 5, 6, true],
  ["contacts", "notes", 201, 202, false],
  ["contacts", "tasks", 203, 204, false],
  ["companies", "notes", 189, 190, false],
  ["companies", "tasks", 191, 192, false],
  ["deals", "notes", 213, 214, false],
  ["deals", "tasks", 215, 216, false],
  ["contacts", "calls", 193, 194, false],
  ["contacts", "emails", 197, 198, false],
  ["companies", "calls", 181, 182, false],
  ["companies", "emails", 185, 186, false],
  ["deals", "calls", 205, 206, false],
  ["deals", "emails", 209, 210, false],
];

const BY_ID = new Map<number, AssociationTypeSpec>();
for (const [from, to, typeId, inverse, primary] of PAIRS) {
  BY_ID.set(typeId, { from, to, typeId, inverse, primary });
  BY_ID.set(inverse, { from: to, to: from, typeId: inverse, inverse: typeId, primary });
}

export function associationType(typeId: number): AssociationTypeSpec | undefined {
  return BY_ID.get(typeId);
}

/** The unlabeled ("default") association type from one object type to another. */
export function defaultAssociationType(from: ObjectType, to: ObjectType): AssociationTypeSpec | undefined {
  return [...BY_ID.values()].find((s) => s.from === from && s.to === to && !s.primary);
}

/** The name v3 reads give an association type, e.g. `contact_to_company_unlabeled` for 279. */
export function associationTypeName(spec: AssociationTypeSpec): string {
  const name = `${singularOf(spec.from)}_to_${singularOf(spec.to)}`;
  const hasPrimary = [...BY_ID.values()].some((s) => s.from === spec.from && s.to === spec.to && s.primary);
  return hasPrimary && !spec.primary ? `${name}_unlabeled` : name;
}
