// `leadloop digest`: each rep's active leads (handed off, no verdict yet) with what each did since the
// rep's last digest, read from the store (clocks, scores, funnel moves) and the behaviour source the
// qualification reads. Written, a digest is one CRM task per rep decided into the outbox, keyed by rep
// and period, in the same transaction as the rep's digest cursor (`leadloop` / `digest#<email>`), which is
// how the store remembers when the rep's last digest was.
import {
  buildDigests,
  type DigestLeadInput,
  type DigestPeriod,
  periodKey,
  periodStart,
  type RepDigest,
} from "../../core/digest/digest.js";
import { digestTitle, text } from "../../core/digest/render.js";
import type { OutboxWrite, StateStore } from "../../store/port.js";
import { decide } from "../outbox/decide.js";
import { drainKeys, type DrainResult } from "../outbox/drain.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import type { ActivitySource } from "./funnel-setup.js";
import type { HandoffVocabulary } from "./handoff-vocabulary.js";
import { followedUp } from "./sla-list.js";
import { taskOwner } from "./task-owner.js";
import { taskWrite } from "./task-write.js";

export const DIGEST_CURSOR_SYSTEM = "leadloop";

/** What a rep's digest cursor keeps besides its time: the period it was for, and the record its task is on. */
interface DigestMark {
  period: string;
  since: string;
  crmType: string;
  crmId: string;
}

export function digestCursorObject(ownerEmail: string): string {
  return `digest#${ownerEmail.toLowerCase()}`;
}

export interface DigestOptions {
  owner?: string;
  period: DigestPeriod;
  now: Date;
}

export interface CollectedDigests {
  digests: RepDigest[];
  /** Each rep's last digest in the current period, when there was one (its task is rewritten). */
  marks: Map<string, DigestMark>;
}

export async function collectDigests(
  store: StateStore,
  activities: ActivitySource,
  options: DigestOptions,
): Promise<CollectedDigests> {
  // A rep's active leads: those still owed a follow-up (sla-list.ts), not a recycled person who qualified
  // again in the cool-down and waits for a handoff of their own.
  const active = await followedUp(store, await store.listSlaClocks());
  const people = new Map(
    (await store.listPersonScores({ personIds: active.map((c) => c.personId) })).map((p) => [p.personId, p]),
  );
  const owner = options.owner?.toLowerCase();
  const leads = active.flatMap((clock) => {
    const person = people.get(clock.personId);
    const ownerEmail = person?.ownerEmail?.toLowerCase();
    if (!ownerEmail || (owner && ownerEmail !== owner)) return [];
    return [{ clock, person: person!, ownerEmail }];
  });

  const period = periodKey(options.period, options.now);
  const marks = new Map<string, DigestMark>();
  const sinceOf = new Map<string, string>();
  for (const ownerEmail of new Set(leads.map((l) => l.ownerEmail))) {
    const cursor = await store.getCursor(DIGEST_CURSOR_SYSTEM, digestCursorObject(ownerEmail));
    const mark = cursor?.lastId ? (JSON.parse(cursor.lastId) as DigestMark) : undefined;
    // A second digest in the same period covers the same window, so it replaces the first.
    if (mark && mark.period === period) {
      marks.set(ownerEmail, mark);
      sinceOf.set(ownerEmail, mark.since);
    } else sinceOf.set(ownerEmail, cursor?.value ?? periodStart(options.period, options.now));
  }

  const earliest = [...sinceOf.values()].sort()[0] ?? options.now.toISOString();
  const ids = leads.map((l) => l.clock.personId);
  const behaviour = new Map<string, DigestLeadInput["activities"][number][]>();
  if (ids.length > 0) {
    for (const a of await activities.readActivities(ids, earliest)) {
      behaviour.set(a.contactId, [...(behaviour.get(a.contactId) ?? []), a]);
    }
  }
  const moves = new Map<string, DigestLeadInput["moves"][number][]>();
  for (const e of await store.listFunnelEvents({ from: earliest })) {
    moves.set(e.personId, [...(moves.get(e.personId) ?? []), { stage: e.toStage, at: e.at, cause: e.cause }]);
  }
  const inputs: DigestLeadInput[] = leads.map(({ clock, person, ownerEmail }) => ({
    personId: clock.personId,
    email: person.email,
    name: person.name,
    score: person.score,
    ownerEmail,
    ownerId: clock.ownerId,
    handedOffAt: clock.handoffAt,
    crmType: clock.crmType,
    crmId: clock.crmId,
    activities: behaviour.get(clock.personId) ?? [],
    moves: moves.get(clock.personId) ?? [],
  }));
  const digests = buildDigests(inputs, (email) => sinceOf.get(email)!, options.now);
  return { digests, marks };
}

export interface WrittenDigest {
  ownerEmail: string;
  key: string;
  written: boolean;
  /**
   * The rep is no active CRM user (deactivated since the handoffs): the task went to the integration
   * user instead of being refused (task-owner.ts, as the SLA's alert).
   */
  ownerLeft?: boolean;
}

/** What a digest whose rep has left says first, on the task and on the command's output. */
export function ownerLeftText(ownerEmail: string, crm: string): string {
  return (
    `${ownerEmail} is no active ${crm} user: this digest's task goes to the integration user, as a breach alert ` +
    "for their leads does; reassign their leads in the CRM"
  );
}

/**
 * Decides one task per rep into the outbox with the rep's digest cursor, then sends those tasks. The
 * task is keyed by rep and period and sits on the same record for the whole period (the rep's top lead
 * when the period's first digest was written), so a re-run updates it instead of adding one.
 */
export async function writeDigests(
  ctx: RunContext,
  vocabulary: HandoffVocabulary,
  collected: CollectedDigests,
  period: DigestPeriod,
): Promise<{ written: WrittenDigest[]; drained: DrainResult }> {
  const now = ctx.now();
  const key = periodKey(period, now);
  const writes: OutboxWrite[] = [];
  const cursors: { system: string; object: string; value: string; lastId: string }[] = [];
  const written: WrittenDigest[] = [];
  const owners = [...new Set(collected.digests.flatMap((d) => (d.ownerId === null ? [] : [d.ownerId])))];
  const active = owners.length > 0 ? await vocabulary.activeOwners(owners) : new Set<string>();
  for (const digest of collected.digests) {
    const top = digest.leads[0];
    if (!top) continue;
    const earlier = collected.marks.get(digest.ownerEmail);
    const about = earlier ?? { crmType: top.crmType, crmId: top.crmId };
    const taskKey = `leadloop:digest:${digest.ownerEmail}:${key}`;
    // No reroute is decided here: the stand-in for a rep who left is the integration user.
    const owner = taskOwner(ctx, { ownerId: digest.ownerId, standIn: null }, active, {
      name: "digest.owner_inactive",
      what: `${digest.ownerEmail}'s digest`,
      fields: { owner: digest.ownerEmail },
    });
    const body = `${owner.ownerLeft ? `${ownerLeftText(digest.ownerEmail, ctx.crm.system)}\n\n` : ""}${text(digest)}`;
    const task = taskWrite(
      vocabulary,
      {
        subject: digestTitle(digest),
        // Each CRM's vocabulary cuts the body to its task field (Salesforce's Description, HubSpot's notes).
        body,
        whoId: about.crmId,
        whoObject: about.crmType,
        ownerId: owner.ownerId,
        at: now.toISOString(),
        completed: false,
        key: taskKey,
      },
      about,
    );
    writes.push(
      funnelWrite(ctx, {
        ...task,
        phase: "digest",
        rule: `digest for ${digest.ownerEmail}, ${key}`,
        personId: top.personId,
        email: top.email,
      }),
    );
    const mark: DigestMark = { period: key, since: digest.since, ...about };
    cursors.push({
      system: DIGEST_CURSOR_SYSTEM,
      object: digestCursorObject(digest.ownerEmail),
      value: digest.until,
      lastId: JSON.stringify(mark),
    });
    written.push({ ownerEmail: digest.ownerEmail, key: taskKey, written: false, ...(owner.ownerLeft ? { ownerLeft: true } : {}) });
  }
  if (writes.length === 0) return { written, drained: { accepted: [], refused: [] } };
  await decide(ctx, { outbox: writes, cursors });
  const drained = await drainKeys(ctx, writes.map((w) => w.key));
  const accepted = new Set(drained.accepted);
  for (const w of written) w.written = accepted.has(w.key);
  return { written, drained };
}
