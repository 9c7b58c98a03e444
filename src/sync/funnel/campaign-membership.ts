// Which CRM Campaign a person's Lead or Contact is a member of (the CRM's CampaignMember), for a funnel
// event's campaign (campaign-catalog.ts). A run looks memberships up a group at a time until those
// look-ups have cost MEMBERSHIP_LOOKUP_CALLS calls; then it counts the org's members and, while there are
// at most `campaignMembersReadAtOnce` of them, reads them all once with their Lead's and Contact's email
// and answers the rest of the run from memory (ARCHITECTURE.md "Reports", Campaigns). A run with a few
// MQLs (most runs) never reads the whole membership; a first load pays a few pages instead of four
// queries for every group with MQLs.
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import type { DealVocabulary } from "./handoff-vocabulary.js";

type Members = NonNullable<DealVocabulary["campaignMembers"]>;

/** Calls the per-group look-ups of one run may cost before the run considers reading every member once. */
export const MEMBERSHIP_LOOKUP_CALLS = 8;
/**
 * Members read whole at most: 10 query pages of 2,000, and a few megabytes held for the run. A larger org
 * keeps the per-group look-ups, which cost up to four queries for a group with MQLs whatever the org's size.
 */
export const CAMPAIGN_MEMBERS_READ_AT_ONCE = 20_000;

interface Membership {
  memberId: string;
  campaignId: string;
}

/** The org's members as one read saw them. */
interface MemberIndex {
  /** Each record's first membership (keepFirst). */
  campaignOf: Map<string, Membership>;
  /** Per person object (`personFields` order): member records by their email, lower-cased. */
  byEmail: Map<string, Set<string>>[];
}

interface RunMembership {
  /** Calls the per-group look-ups made so far in this run. */
  spent: number;
  /** The whole membership once decided: an index, or null when the org has too many members. */
  index: Promise<MemberIndex | null> | null;
}

const perRun = new WeakMap<RunContext, RunMembership>();

export interface CampaignMembership {
  /**
   * The CRM records of each email (lower-cased) that may name a campaign: the first person object's
   * records (Leads) in Id order, then the next's (Contacts).
   */
  recordsByEmail(emails: readonly string[]): Promise<Map<string, string[]>>;
  /** Each record's Campaign id, from its first CampaignMember in Id order; records without one are left out. */
  campaignsOf(recordIds: readonly string[]): Promise<Map<string, string>>;
}

export function campaignMembership(ctx: RunContext, setup: FunnelSetup, members: Members): CampaignMembership {
  let run = perRun.get(ctx);
  if (!run) perRun.set(ctx, (run = { spent: 0, index: null }));
  const state = run;

  /** The whole membership, once the per-group look-ups have cost enough to make one read worth it. */
  const whole = (): Promise<MemberIndex | null> | null => {
    if (state.index === null && state.spent >= MEMBERSHIP_LOOKUP_CALLS)
      state.index = readIndex(ctx, members, setup.campaignMembersReadAtOnce ?? CAMPAIGN_MEMBERS_READ_AT_ONCE);
    return state.index;
  };
  /** A per-group look-up, its calls counted against the run's allowance. */
  const lookUp = async <T>(read: () => Promise<T>): Promise<T> => {
    const before = ctx.crm.apiCalls();
    try {
      return await read();
    } finally {
      state.spent += ctx.crm.apiCalls() - before;
    }
  };

  return {
    async recordsByEmail(emails) {
      const out = new Map<string, string[]>();
      const add = (email: string, id: string) => out.set(email, [...(out.get(email) ?? []), id]);
      const index = await whole();
      if (index) {
        for (const email of emails) {
          for (const byEmail of index.byEmail) {
            for (const id of [...(byEmail.get(email) ?? [])].sort()) add(email, id);
          }
        }
        return out;
      }
      for (const { object, field } of members.byEmail) {
        const found = await lookUp(() => ctx.crm.findBy(object, field, emails, [field]));
        for (const r of found) {
          const email = r.fields[field]?.trim().toLowerCase();
          if (email) add(email, r.id);
        }
      }
      return out;
    },

    async campaignsOf(recordIds) {
      const out = new Map<string, string>();
      const index = await whole();
      if (index) {
        for (const id of recordIds) {
          const held = index.campaignOf.get(id);
          if (held) out.set(id, held.campaignId);
        }
        return out;
      }
      const first = new Map<string, Membership>();
      for (const [i, field] of members.personFields.entries()) {
        // A Lead's id is never a member's ContactId: each field is asked for the ids it can hold.
        const prefix = members.personIdPrefixes[i];
        const ids = prefix === undefined ? recordIds : recordIds.filter((id) => id.startsWith(prefix));
        if (ids.length === 0) continue;
        const found = await lookUp(() => ctx.crm.findBy(members.object, field, ids, [field, members.campaignField]));
        for (const m of found) keepFirst(first, m.fields[field], m.id, m.fields[members.campaignField]);
      }
      for (const [id, held] of first) out.set(id, held.campaignId);
      return out;
    },
  };
}

/**
 * A record's first membership is the one with the lowest Id (its 15 case-sensitive characters), compared
 * by leadloop rather than taken in the order a query returns rows, so the per-group look-up and the whole
 * read name the same campaign. Within one org an object's Ids mostly grow as records are made, so this
 * is usually the membership made first.
 */
function keepFirst(first: Map<string, Membership>, who: string | null | undefined, memberId: string, campaignId: string | null | undefined): void {
  if (!who || !campaignId) return;
  const held = first.get(who);
  if (!held || memberId.slice(0, 15) < held.memberId.slice(0, 15)) first.set(who, { memberId, campaignId });
}

/** Counts the org's members; at most `readAtOnce` of them are read whole, each with its record's email. */
async function readIndex(ctx: RunContext, members: Members, readAtOnce: number): Promise<MemberIndex | null> {
  if (!ctx.crm.countRecords) return null;
  const count = await ctx.crm.countRecords(members.object);
  if (count > readAtOnce) {
    ctx.log.debug("campaigns.members_per_group", { members: count, readAtOnce });
    return null;
  }
  const index: MemberIndex = { campaignOf: new Map(), byEmail: members.personFields.map(() => new Map()) };
  const fields = [...members.personFields, ...members.personEmails, members.campaignField];
  // Up to now rather than the signpost: a member added since the run began is one the per-group query would see.
  for await (const page of ctx.crm.readChanges(members.object, fields, null, ctx.now().toISOString())) {
    for (const m of page.records) {
      const campaignId = m.fields[members.campaignField];
      if (!campaignId) continue;
      members.personFields.forEach((field, i) => {
        const who = m.fields[field];
        if (!who) return;
        keepFirst(index.campaignOf, who, m.id, campaignId);
        const email = m.fields[members.personEmails[i]!]?.trim().toLowerCase();
        if (!email) return;
        const byEmail = index.byEmail[i]!;
        byEmail.set(email, (byEmail.get(email) ?? new Set()).add(who));
      });
    }
  }
  ctx.log.debug("campaigns.members_read", { members: index.campaignOf.size });
  return index;
}
