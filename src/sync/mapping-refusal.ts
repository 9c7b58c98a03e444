// A system that refuses a field or object a mapping names (Salesforce's INVALID_FIELD: "No such column
// 'Seniority__c' on entity 'Lead'") fails the run as a `config` error wherever the run first asks for
// the field: a first load's match index, the conversions, a pair's read. Its message names the field and
// object but not the file to fix; this names the mapping entries that hold the field, each by file, line
// and key as `leadloop validate --live` names them, so the admin need not search the mappings folder
// (README "Mappings"). A configuration error exits 2 wherever it is found (README "Exit statuses").
import { fieldPlace, type ObjectMapping } from "../core/mapping.js";
import { reworded, SystemError } from "./system-error.js";

/** The error with the places of the mapping entries whose fields its message names, or the error as it is. */
export function namingMappingFiles(err: unknown, mappings: readonly ObjectMapping[]): unknown {
  if (!(err instanceof SystemError) || err.errorClass !== "config") return err;
  // A CRM field or object name as a whole word of the message ('Seniority__c', Lead.Seniority__c).
  const named = (name: string) => new RegExp(`(^|\\W)${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|\\W)`).test(err.message);
  const holding = mappings.filter((m) => m.fields.some((f) => named(f.crm)));
  // The object the message names too, when it names one (Contact and Lead mappings share field names).
  const onObject = holding.filter((m) => named(m.crmObject));
  const places = (onObject.length > 0 ? onObject : holding).flatMap((m) =>
    m.fields.flatMap((f, i) => {
      if (!named(f.crm)) return [];
      const { line, key } = fieldPlace(m, i, "crm");
      return [`${m.source}${line ? `:${line}` : ""}: ${key} (${f.crm})`];
    }),
  );
  if (places.length === 0) return err;
  return reworded(err, `${places.join(", ")}: ${err.messageOutsideRun} (\`leadloop validate --live\` checks every mapping against the systems)`);
}

/** A HubSpot property a mapping entry names that the portal lacks: the entry, and the property. */
export interface MissingMarketingProperty {
  mapping: ObjectMapping;
  entry: number;
  /** The property the entry likely means (core/field-hint.ts), as `validate --live` suggests it. */
  meant?: string;
}

/**
 * The run's refusal of mapping entries whose marketing property does not exist: HubSpot's reads leave an
 * unknown property out without a word and refuse each write of it (PROPERTY_DOESNT_EXIST), so a run went
 * on with an error-queue entry per record (exit 4) for what is a configuration error, named here as a
 * Salesforce field the org lacks is, by file, line and key (exit 2).
 */
export function missingPropertiesRefusal(missing: readonly MissingMarketingProperty[]): SystemError {
  const places = missing.map(({ mapping, entry, meant }) => {
    const { line, key } = fieldPlace(mapping, entry, "marketing");
    const property = mapping.fields[entry]!.marketing;
    return `${mapping.source}${line ? `:${line}` : ""}: ${key} (${property}): HubSpot has no ${mapping.marketingObject} property ${property}${meant ? ` (did you mean ${meant}?)` : ""}`;
  });
  return new SystemError({
    system: "hubspot",
    errorClass: "config",
    code: "PROPERTY_DOESNT_EXIST",
    message: `${places.join(", ")} (\`leadloop validate --live\` checks every mapping against the systems)`,
    retriable: false,
  });
}
