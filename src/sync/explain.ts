// `explain <email>`: gathers, for one person, the linked records on both sides, each mapped field's
// current values and last synced values, the audit rows that say why a field holds its value, what
// leadloop wrote beyond the mapped fields (scores, stage, owner), and the open error-queue entries.

import type { ObjectMapping } from "../core/mapping.js";
import { fieldKey } from "../core/merge/types.js";
import { type FieldValue, normalizeEmail, type SourceRecord } from "../core/records.js";
import type { AuditEntry, Link, QueuedError, StateStore } from "../store/port.js";
import { crmFields, marketingFields } from "./field-lists.js";
import type { SystemPort } from "./system-port.js";

export interface FieldExplanation {
  marketingField: string;
  crmField: string;
  direction: string;
  conflictRule: string;
  marketing: FieldValue | undefined;
  crm: FieldValue | undefined;
  lastSynced: { marketing: FieldValue; crm: FieldValue; at: string } | null;
  /** The latest write of this field on either side, with the rule that decided it. */
  lastWrite: AuditEntry | null;
}

export interface LinkExplanation {
  link: Link;
  mapping: string | null;
  marketing: SourceRecord | null;
  crm: SourceRecord | null;
  fields: FieldExplanation[];
  audit: AuditEntry[];
  /** The latest write of each field leadloop wrote that no mapping names (scores, stage, owner, tasks' fields aside). */
  ownWrites: AuditEntry[];
  /** Open error-queue entries about either record. */
  openErrors: QueuedError[];
}

export interface Explanation {
  email: string;
  links: LinkExplanation[];
}

export async function explainPerson(
  email: string,
  deps: { store: StateStore; marketing: SystemPort; crm: SystemPort; mappings: readonly ObjectMapping[] },
): Promise<Explanation> {
  const key = normalizeEmail(email) ?? email;
  const out: Explanation = { email: key, links: [] };
  for (const pair of new Set(deps.mappings.map((m) => m.pair))) {
    for (const link of await deps.store.findLinksByMatchKey(pair, key)) {
      const mapping = deps.mappings.find((m) => m.pair === pair && m.crmObject === link.crmType);
      const group = deps.mappings.filter((m) => m.pair === pair);
      const [marketing] = await deps.marketing.readByIds(
        link.marketingType,
        [link.marketingId],
        marketingFields(group),
      );
      const [crm] = mapping ? await deps.crm.readByIds(link.crmType, [link.crmId], crmFields(mapping)) : [];
      const snaps = (await deps.store.getSnapshots([link.id])).get(link.id) ?? {};
      const audit = await deps.store.listAudit([link.marketingId, link.crmId], 200);
      const fields = (mapping?.fields ?? []).map((f): FieldExplanation => {
        const snap = snaps[fieldKey(f)];
        const lastWrite =
          [...audit]
            .reverse()
            .find(
              (a) =>
                (a.recordId === link.crmId && a.field === f.crm) ||
                (a.recordId === link.marketingId && a.field === f.marketing),
            ) ?? null;
        return {
          marketingField: f.marketing,
          crmField: f.crm,
          direction: f.direction,
          conflictRule: f.conflict,
          marketing: marketing?.fields[f.marketing],
          crm: crm?.fields[f.crm],
          lastSynced: snap ? { marketing: snap.marketing, crm: snap.crm, at: snap.syncedAt } : null,
          lastWrite,
        };
      });
      const mapped = new Set(group.flatMap((m) => m.fields.flatMap((f) => [`${link.marketingId}\u0000${f.marketing}`, `${link.crmId}\u0000${f.crm}`])));
      const latest = new Map<string, AuditEntry>();
      for (const a of audit) {
        const key = `${a.recordId}\u0000${a.field}`;
        if (!mapped.has(key)) latest.set(key, a);
      }
      const open = await deps.store.openErrorsFor([link.marketingId, link.crmId]);
      out.links.push({
        link,
        mapping: mapping?.name ?? null,
        marketing: marketing ?? null,
        crm: crm ?? null,
        fields,
        audit,
        ownWrites: [...latest.values()].sort((a, b) => a.system.localeCompare(b.system) || a.field.localeCompare(b.field)),
        openErrors: [...open.values()].flat().sort((a, b) => a.id - b.id),
      });
    }
  }
  return out;
}
