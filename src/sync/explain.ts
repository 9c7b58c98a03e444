// `explain <email>`: gathers, for one person, the linked records on both sides, each mapped field's
// current values and last synced values, the audit rows that say why a field holds its value, what
// leadloop wrote beyond the mapped fields (scores, stage, owner), and the open error-queue entries.

import type { ObjectMapping } from "../core/mapping.js";
import { compileMapping, heldBesidesBy } from "../core/merge/merge-record.js";
import { fieldKey, type Side } from "../core/merge/types.js";
import { type FieldValue, normalizeEmail, type SourceRecord } from "../core/records.js";
import type { AuditEntry, DatedLink, FunnelEvent, PersonScoreRow, QueuedError, SlaClock, StateStore } from "../store/port.js";
import { clockKey } from "../core/sla/index.js";
import { heldByCoolDown, type RecyclePolicy } from "../core/funnel/recycle.js";
import { crmFields, marketingFields } from "./field-lists.js";
import { reassignmentCauses } from "./funnel/sla-list.js";
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
  /**
   * The side whose record holds the other's differing value besides its own (a merged contact's
   * additional email as its Lead's Email): the sides differ, and the sync writes neither. Null otherwise.
   */
  heldBesides: Side | null;
}

export interface LinkExplanation {
  link: DatedLink;
  mapping: string | null;
  marketing: SourceRecord | null;
  crm: SourceRecord | null;
  fields: FieldExplanation[];
  audit: AuditEntry[];
  /** The latest write of each field leadloop wrote that no mapping names (scores, stage, owner, tasks' fields aside). */
  ownWrites: AuditEntry[];
  /** Open error-queue entries about either record. */
  openErrors: QueuedError[];
  /**
   * Entries about either record an admin discarded (`errors discard`): a refusal given up on, whose
   * sides stay apart until one of them changes.
   */
  discardedErrors: QueuedError[];
}

/**
 * The person behind the records, as the funnel knows them: found by their link, or by their email in
 * marketing (with HubSpot as the CRM a contact has no link). What leadloop wrote on the contact beyond
 * the links' mapped fields, and on a Lead they converted from, is here: a converted Lead's link moved
 * to its Contact, but the handoff's writes on the Lead still say why.
 */
export interface PersonExplanation {
  personId: string;
  stages: FunnelEvent[];
  score: PersonScoreRow | null;
  clock: SlaClock | null;
  /** Why the clock has its owner, when a manager reassigned the lead by hand in the CRM (as `leadloop sla --json` gives it). */
  clockCause: string | null;
  /**
   * When the cool-down after a rep's recycle or unreachable verdict ends, for a person who qualified again
   * within it: held from sales until then (the contact keeps the verdict, no rep owns them), handed off by
   * the first sync after it. Null for anyone else.
   */
  heldUntil: string | null;
  /**
   * The CRM record the person's link last named, where none names one now: the link a deletion or merge
   * retired (a lost store keeps it from the deleted record's stamp), whose reason says why no record is
   * made for them again. Null while they are linked, or never were.
   */
  removedRecord: { crmType: string; crmId: string; reason: string; at: string } | null;
  /** CRM records the person converted from (`conversion: Lead <id> converted` causes). */
  convertedFrom: { object: string; id: string }[];
  /** The latest write of each field leadloop made on these records that no link above shows. */
  writes: AuditEntry[];
  /** Open entries about these records that no link above shows. */
  openErrors: QueuedError[];
  /** Discarded entries about these records that no link above shows. */
  discardedErrors: QueuedError[];
}

export interface Explanation {
  email: string;
  links: LinkExplanation[];
  person: PersonExplanation | null;
}

export async function explainPerson(
  email: string,
  deps: {
    store: StateStore;
    marketing: SystemPort;
    crm: SystemPort;
    mappings: readonly ObjectMapping[];
    /** The qualification's cool-down after a recycle: without it no hold is said. */
    recycle?: RecyclePolicy;
  },
): Promise<Explanation> {
  const key = normalizeEmail(email) ?? email;
  const out: Explanation = { email: key, links: [], person: null };
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
      const compiled = mapping ? compileMapping(mapping).fields : [];
      const fields = compiled.map(({ field: f }, i): FieldExplanation => {
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
          heldBesides: marketing && crm ? heldBesidesBy(compiled[i]!, marketing, crm) : null,
        };
      });
      const mapped = new Set(group.flatMap((m) => m.fields.flatMap((f) => [`${link.marketingId}\u0000${f.marketing}`, `${link.crmId}\u0000${f.crm}`])));
      const latest = new Map<string, AuditEntry>();
      for (const a of audit) {
        const key = `${a.recordId}\u0000${a.field}`;
        if (!mapped.has(key)) latest.set(key, a);
      }
      const errors = await queuedAbout([link.marketingId, link.crmId], null, deps.store);
      out.links.push({
        link,
        mapping: mapping?.name ?? null,
        marketing: marketing ?? null,
        crm: crm ?? null,
        fields,
        audit,
        ownWrites: [...latest.values()].sort((a, b) => a.system.localeCompare(b.system) || a.field.localeCompare(b.field)),
        ...errors,
      });
    }
  }
  out.person = await explainFunnel(key, out.links, deps);
  return out;
}

const CONVERTED_FROM = /^conversion: (\w+) (\S+) converted/;

async function explainFunnel(
  email: string,
  links: readonly LinkExplanation[],
  deps: { store: StateStore; marketing: SystemPort; recycle?: RecyclePolicy },
): Promise<PersonExplanation | null> {
  const linked = links.find((l) => l.link.pair === "contact");
  const personId =
    linked?.link.marketingId ?? (await deps.marketing.findBy("contacts", "email", [email], ["email"]))[0]?.id;
  if (personId === undefined) return null;
  const stages = await deps.store.listFunnelEvents({ personId });
  const [score] = await deps.store.listPersonScores({ personIds: [personId] });
  const [clock] = await deps.store.listSlaClocks({ personIds: [personId] });
  const clockCause = clock ? ((await reassignmentCauses(deps.store, [personId])).get(clockKey(clock)) ?? null) : null;
  const heldUntil = deps.recycle ? heldByCoolDown(stages, clock?.handoffAt ?? null, deps.recycle) : null;
  const retired = linked ? undefined : (await deps.store.findRetiredLinks("contact", "marketing", [personId])).get(personId);
  const convertedFrom = stages.flatMap((e) => {
    const m = CONVERTED_FROM.exec(e.cause);
    return m ? [{ object: m[1]!, id: m[2]! }] : [];
  });
  const ids = [personId, ...convertedFrom.map((c) => c.id)];
  const shown = new Set(links.flatMap((l) => [...l.fields.map((f) => `${l.link.marketingId}\u0000${f.marketingField}`), ...l.fields.map((f) => `${l.link.crmId}\u0000${f.crmField}`), ...l.ownWrites.map((a) => `${a.recordId}\u0000${a.field}`)]));
  const latest = new Map<string, AuditEntry>();
  for (const a of await deps.store.listAudit(ids, 500)) {
    const k = `${a.recordId}\u0000${a.field}`;
    if (!shown.has(k)) latest.set(k, a);
  }
  const listed = new Set(links.flatMap((l) => [...l.openErrors, ...l.discardedErrors].map((e) => e.id)));
  const errors = await queuedAbout(ids, personId, deps.store);
  return {
    personId,
    stages,
    score: score ?? null,
    clock: clock ?? null,
    clockCause,
    heldUntil: heldUntil?.toISOString() ?? null,
    removedRecord: retired
      ? { crmType: retired.crmType, crmId: retired.crmId, reason: retired.retiredReason ?? "retired", at: retired.updatedAt }
      : null,
    convertedFrom,
    writes: [...latest.values()].sort((a, b) => a.recordId.localeCompare(b.recordId) || a.field.localeCompare(b.field)),
    openErrors: errors.openErrors.filter((e) => !listed.has(e.id)),
    discardedErrors: errors.discardedErrors.filter((e) => !listed.has(e.id)),
  };
}

/**
 * The open and the discarded error-queue entries about these records or whose write names the person (a
 * follow-up task's close, on a record of its own), oldest first (resolved ones say nothing now).
 */
async function queuedAbout(
  recordIds: readonly string[],
  personId: string | null,
  store: StateStore,
): Promise<{ openErrors: QueuedError[]; discardedErrors: QueuedError[] }> {
  const byId = new Map<number, QueuedError>();
  for (const e of [...(await store.listErrors({ recordIds })), ...(personId === null ? [] : await store.listErrors({ personIds: [personId] }))]) byId.set(e.id, e);
  const all = [...byId.values()].sort((a, b) => a.id - b.id);
  return {
    openErrors: all.filter((e) => e.status === "open"),
    discardedErrors: all.filter((e) => e.status === "discarded"),
  };
}
