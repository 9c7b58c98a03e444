// Lineage: what sales makes of a handed-off person comes back to marketing. A converted Lead
// (followConversions, before the pairs sync) moves its person to opportunity (SQL without an
// Opportunity) and links the new Account to the person's company; a deal (followDeals, last) moves
// its people to opportunity, then won (customer, and scored as one in the same decision) or lost with
// the amount, and its associations (people, company) are kept the same on both sides. Events, writes
// and links are decided with the phase's cursor (ARCHITECTURE.md "One write path").
import type { ObjectMapping } from "../../core/mapping.js";
import { leadStatusValues, verdictReason, verdictValues } from "../../core/funnel/dispositions.js";
import { LIFECYCLE_FIELD, lifecycleFor, lifecycleNeedsClear } from "../../core/funnel/lifecycle-values.js";
import { type CauseKind, move, type Stage } from "../../core/funnel/stages.js";
import { type ClosedDeal, outcomeReason, outcomeValues } from "../../core/funnel/deal-outcome.js";
import { type FieldValues, normalizeDomain, type SourceRecord } from "../../core/records.js";
import { awaitsItsDeal, latestRestoredSecond, restoredDealCause } from "../../core/funnel/restore.js";
import type { FunnelEvent, LinkWrite, OutboxWrite, BatchCommit, LeadStatusSeen, SlaTouch } from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import type { KeepFor } from "../kept-reads.js";
import { crmFields } from "../field-lists.js";
import { notBefore } from "./event-time.js";
import { conversionTouch } from "./status-touch.js";
import { withFollowUpsDone } from "./follow-up-done.js";
import { decide, joinDecisions } from "../outbox/decide.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import { type RunContext, signpostAfterOwnWrites } from "../run-context.js";
import { crmCampaigns, type EventCampaign, FIRST_TOUCH_CAMPAIGN, marketingCampaigns, SOURCE_DRILL_DOWN } from "./campaign-catalog.js";
import { type FunnelRunState, type FunnelSetup, personFields } from "./funnel-setup.js";
import { qualifyPage } from "./qualify-phase.js";
import { dispositionReasonField } from "./reason-field.js";

const CONTACTS = "contacts";
const COMPANIES = "companies";
/** What a funnel event carries of the person: where they came from and by which campaign. */
const ATTRIBUTION_FIELDS = ["email", "hs_analytics_source", SOURCE_DRILL_DOWN, FIRST_TOUCH_CAMPAIGN, "associatedcompanyid"];

/** Followed Lead conversions: the person moves forward and the new Account meets the person's company. */
export async function followConversions(
  ctx: RunContext,
  setup: FunnelSetup,
  mappings: readonly ObjectMapping[],
): Promise<void> {
  const lead = mappings.find((m) => m.pair === "contact" && m.conversion);
  const company = mappings.find((m) => m.pair === "company");
  if (setup.crmIsMarketing || !lead?.conversion) return;
  const c = lead.conversion;
  const onStatusObject = setup.vocabulary.status.object === lead.crmObject;
  const status = onStatusObject ? setup.vocabulary.status.field : null;
  // The Lead's link stamp (the person's id) names the person of a Lead the store has no link for: after a
  // lost store this phase runs before the pairs restore the links (ARCHITECTURE.md "Links", a lost store).
  const stamp = lead.crmExternalId ?? null;
  const fields = [c.flag, c.idField, c.accountField, c.opportunityField, status, stamp].filter((f): f is string => !!f);
  const read = {
    system: ctx.crm,
    object: lead.crmObject,
    fields,
    // The reason the rep typed beside the status, which the conversion's verdict carries as the
    // dispositions' do; where the org lacks the field, the verdict takes the map's reason (reason-field.ts).
    fieldsWhenRead: async () => {
      const reason = onStatusObject ? await dispositionReasonField(ctx, setup) : null;
      return reason ? [reason] : [];
    },
    cursorObject: `${lead.crmObject}#conversions`,
    // Conversions made before leadloop ran move their people too; a person already past the stage is not moved.
    startWhenNew: null,
    // The contact pair lists the same Leads later in the run, from the same cursor while they keep step
    // (each saves the run's signpost when read to its end): it takes this read's pages instead.
    keepFor: { cursorObject: lead.crmObject, fields: crmFields(lead) },
  };
  await readChangeGroups(ctx, read, async (group) => {
    const converted = group.records.filter((r) => r.fields[c.flag] === "true" && r.fields[c.idField]);
    const links = await ctx.store.findLinksByCrmIds("contact", [
      ...converted.map((r) => r.id),
      ...converted.map((r) => r.fields[c.idField]!),
    ]);
    const linked = (r: SourceRecord) => (links.get(r.fields[c.idField]!) ?? links.get(r.id))?.marketingId;
    const mover = await newMover(ctx, setup, converted.map((r) => linked(r) ?? (stamp ? (r.fields[stamp] ?? undefined) : undefined)));
    // A stamp counts only for a contact that exists (a merged-away id names no one).
    const personOf = (r: SourceRecord) => linked(r) ?? (stamp && mover.knows(r.fields[stamp] ?? "") ? r.fields[stamp]! : undefined);
    const followed = new Set<string>();
    /** The converted Leads that moved their person, by person: each is the rep's touch on the clock. */
    const convertedBy = new Map<string, SourceRecord>();
    for (const r of converted) {
      const personId = personOf(r);
      if (!personId) continue;
      // A converted Lead is read-only, so it is read again only by a look-back: a conversion applies once,
      // even after the person moved on (lost, recycled).
      if (await conversionFollowed(ctx, personId, r)) {
        followed.add(r.id);
        continue;
      }
      const opportunity = c.opportunityField ? r.fields[c.opportunityField] : null;
      const detail = `${r.object} ${r.id} converted${opportunity ? ` with opportunity ${opportunity}` : ""}`;
      const to: Stage = opportunity ? "opportunity" : "sal";
      const verdict = conversionVerdict(setup, r, to);
      if (mover.moveTo(personId, to, "conversion", detail, r.modifiedAt, null, verdict)) {
        convertedBy.set(personId, r);
        ctx.summary.conversions++;
        // Converting is the rep's qualified verdict: the Lead leaves the disposition phase's reach with it.
        ctx.summary.dispositions.qualified++;
      }
    }
    // A conversion followed before a lost store linked its Account then: the Account's stamp restores
    // that link in the company pair, so only a linked person's Leads (as ever) and new conversions link here.
    const accountsOf = converted.filter((r) => linked(r) || !followed.has(r.id));
    const links2 =
      company && c.accountField ? await linkAccounts(ctx, company, accountsOf, c.accountField, personOf, mover) : [];
    await mover.campaignsFromCrm(
      setup,
      new Map(
        converted
          .filter((r) => personOf(r))
          .map((r) => [personOf(r)!, [r.id, r.fields[c.idField]!]] as const),
      ),
    );
    const slaTouches = await conversionTouches(ctx, convertedBy);
    // Salesforce moved the Lead's tasks to the Contact it became: the follow-up task is found there.
    const becameContact = new Map(
      [...convertedBy.values()].map((r) => [r.id, { crmType: c.object, crmId: r.fields[c.idField]! }] as const),
    );
    const decision = { funnelEvents: mover.events, outbox: mover.writes(), links: links2, slaTouches, cursors: [group.cursor] };
    await decide(ctx, await withFollowUpsDone(ctx, setup, decision, becameContact));
  });
}

/**
 * Converting sets the Lead's status to a converted one: a lead status the rep set, so a touch on the
 * person's follow-up clock as the dispositions phase counts any other (README "Qualification, routing and
 * SLA"), under the same key, since the converted Lead leaves that phase's reach. Without it a rep who
 * converted a lead within the hour read as "closed" in `report sla`, never "met".
 */
async function conversionTouches(ctx: RunContext, convertedBy: ReadonlyMap<string, SourceRecord>): Promise<SlaTouch[]> {
  if (convertedBy.size === 0) return [];
  const clocks = await ctx.store.listSlaClocks({ personIds: [...convertedBy.keys()] });
  return clocks.flatMap((clock) => conversionTouch(clock.personId, convertedBy.get(clock.personId)!, clock.handoffAt) ?? []);
}

function outcomesCursor(setup: FunnelSetup): string {
  return `${setup.vocabulary.deals.object}#outcomes`;
}

/**
 * The deals phase's stream of the CRM's deals, which the deal pair reads earlier in the run: the pair
 * keeps its pages for it (change-groups.ts `keepFor`), taken when the phase reads the same window (no
 * deal written by the run since, which moves its signpost on).
 */
export function outcomesStream(setup: FunnelSetup): { object: string; keepFor: KeepFor } | null {
  if (setup.crmIsMarketing) return null;
  return { object: setup.vocabulary.deals.object, keepFor: { cursorObject: outcomesCursor(setup), fields: setup.vocabulary.deals.fields } };
}

/**
 * The reasons a conversion gives when the rep typed none: what the conversion made. Not the map's reason
 * for the converted Lead's status, which is the reason of that status read on a Lead a rep set it on by hand
 * without converting (no Contact, no Opportunity: the dispositions phase's reading).
 */
export const CONVERTED_WITH_OPPORTUNITY_REASON = "Converted to a contact and opportunity";
export const CONVERTED_WITHOUT_OPPORTUNITY_REASON = "Converted to a contact, without an opportunity";

/**
 * What converting tells marketing: the rep's qualified verdict, as the dispositions phase writes a verdict
 * (the reason the rep typed on the Lead, read where the org has the field, else what the conversion made:
 * CONVERTED_WITH_OPPORTUNITY_REASON or CONVERTED_WITHOUT_OPPORTUNITY_REASON; the date; and the contact's
 * lead status for the stage the conversion moves the person to: OPEN_DEAL with an Opportunity, CONNECTED
 * without one), since the converted Lead leaves that phase's reach and no mapping carries its status over.
 */
function conversionVerdict(setup: FunnelSetup, lead: SourceRecord, to: Stage): FieldValues {
  const madeReason = to === "opportunity" ? CONVERTED_WITH_OPPORTUNITY_REASON : CONVERTED_WITHOUT_OPPORTUNITY_REASON;
  const field = setup.vocabulary.fields.dispositionReason;
  return verdictValues(to, verdictReason(field ? lead.fields[field] : null, madeReason), lead.modifiedAt, true);
}

/**
 * The conversion moved its person already: an event names it, or a lost store's restore brought the
 * person back to a stage dated at or after it (the conversion's own verdict date, `leadloop_disposition_date`,
 * or a later one: core/funnel/restore.ts), so the contact showed it when the store was lost. Else the
 * restore run's own read, or the look-back after it, would move a restored person again (lost → opportunity).
 */
async function conversionFollowed(ctx: RunContext, personId: string, lead: SourceRecord): Promise<boolean> {
  const events = await ctx.store.listFunnelEvents({ personId });
  if (events.some((e) => e.cause.startsWith(`conversion: ${lead.object} ${lead.id} converted`))) return true;
  const restored = latestRestoredSecond(events);
  return restored !== undefined && restored >= lead.modifiedAt.slice(0, 19);
}

/**
 * The Account a conversion made belongs to the person's company: the one associated with the contact,
 * else the one with the Account's web domain (or the person's email domain). Linked here, before the
 * company pair reads the new Account, so that pair merges the two and stamps both instead of making a
 * second company. An Account that matches no company is left to the company pair, which creates it.
 */
async function linkAccounts(
  ctx: RunContext,
  mapping: ObjectMapping,
  converted: readonly SourceRecord[],
  accountField: string,
  personOf: (r: SourceRecord) => string | undefined,
  mover: Mover,
): Promise<LinkWrite[]> {
  const accountOf = (r: SourceRecord) => r.fields[accountField] ?? null;
  const ids = [...new Set(converted.map(accountOf).filter((id): id is string => !!id))];
  if (ids.length === 0) return [];
  const linked = await ctx.store.findLinksByCrmIds(mapping.pair, ids);
  const todo = converted.filter((r) => accountOf(r) && !linked.has(accountOf(r)!) && personOf(r));
  if (todo.length === 0) return [];
  const websiteField = mapping.match?.crm;
  const accounts = new Map(
    (await ctx.crm.readByIds(mapping.crmObject, ids, websiteField ? [websiteField] : [])).map((a) => [a.id, a]),
  );
  const domainOf = (r: SourceRecord): string | null => {
    const website = websiteField ? accounts.get(accountOf(r)!)?.fields[websiteField] : null;
    const email = mover.person(personOf(r)!).email ?? null;
    return normalizeDomain(website ?? null) ?? normalizeDomain(email?.split("@")[1] ?? null);
  };
  const domains = [...new Set(todo.map(domainOf).filter((d): d is string => !!d))];
  const byDomain = new Map<string, string>();
  if (mapping.match && domains.length > 0) {
    const found = await ctx.marketing.findBy(mapping.marketingObject, mapping.match.marketing, domains, [
      mapping.match.marketing,
    ]);
    for (const f of found) {
      const d = normalizeDomain(f.fields[mapping.match.marketing] ?? null);
      if (d && !byDomain.has(d)) byDomain.set(d, f.id);
    }
  }
  const candidates = todo.map((r) => {
    const associated = mover.company(personOf(r)!);
    const domain = domainOf(r);
    return { r, associated, companyId: associated ?? (domain ? byDomain.get(domain) : undefined), domain };
  });
  const taken = await ctx.store.findLinksByMarketingIds(
    mapping.pair,
    candidates.map((x) => x.companyId).filter((id): id is string => !!id),
  );
  const stamped = await stampedElsewhere(ctx, mapping, candidates, accountOf, taken);
  const out: LinkWrite[] = [];
  const used = new Set<string>();
  for (const { r, associated, companyId, domain } of candidates) {
    const accountId = accountOf(r)!;
    if (!companyId || taken.has(companyId) || used.has(companyId) || out.some((l) => l.crmId === accountId)) continue;
    if (stamped.has(companyId)) continue;
    used.add(companyId);
    out.push({
      pair: mapping.pair,
      marketingType: mapping.marketingObject,
      marketingId: companyId,
      crmType: mapping.crmObject,
      crmId: accountId,
      matchKey: domain,
      snapshots: {},
    });
    ctx.log.debug("link.converted", { runId: ctx.runId, from: r.id, to: accountId, companyId });
    if (!associated) mover.associate(CONTACTS, personOf(r)!, COMPANIES, companyId);
  }
  return out;
}

/**
 * Companies among the candidates whose stamp (`marketingExternalId`) names another CRM record: they were
 * linked to it by a store since lost, and the company pair restores that link from the stamp, so the
 * conversion's Account is not linked to them, as it would not be with the link still in the store (it
 * was linked, and the company pair then stamped the Account with a company id another Account holds:
 * Salesforce refused it as a duplicate external id). One read of the unlinked companies.
 */
async function stampedElsewhere(
  ctx: RunContext,
  mapping: ObjectMapping,
  candidates: readonly { r: SourceRecord; companyId: string | undefined | null }[],
  accountOf: (r: SourceRecord) => string | null,
  taken: ReadonlyMap<string, unknown>,
): Promise<Set<string>> {
  const field = mapping.marketingExternalId;
  const unlinked = new Map<string, string>();
  for (const { r, companyId } of candidates) if (companyId && !taken.has(companyId)) unlinked.set(companyId, accountOf(r)!);
  if (!field || unlinked.size === 0) return new Set();
  const companies = await ctx.marketing.readByIds(mapping.marketingObject, [...unlinked.keys()], [field]);
  return new Set(
    companies.filter((c) => c.fields[field] && c.fields[field] !== unlinked.get(c.id)).map((c) => c.id),
  );
}

/**
 * Deals changed in the CRM (Opportunities; HubSpot deals when HubSpot is the CRM): each of a deal's
 * people sales accepted moves to opportunity (a rep's deal is their conversion), then to won or lost
 * when the deal closes, with the amount of a won deal; with Salesforce, the deal's associations are
 * made the same on both sides.
 */
export async function followDeals(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  mappings: readonly ObjectMapping[],
): Promise<void> {
  const v = setup.vocabulary.deals;
  const dealMapping = setup.crmIsMarketing ? undefined : mappings.find((m) => m.pair === "deal");
  // Up to now once the run wrote deals: the deals the deal pair just created from HubSpot are read in this run.
  const read = {
    system: ctx.crm,
    object: v.object,
    fields: v.fields,
    cursorObject: outcomesCursor(setup),
    startWhenNew: null,
    until: signpostAfterOwnWrites(ctx, ctx.crm, v.object),
  };
  await readChangeGroups(ctx, read, async (group) => {
    const people = await peopleOfDeals(ctx, setup, group.records);
    const kept = dealMapping
      ? await keepDealAssociations(ctx, setup, dealMapping, group.records, people)
      : {
          crmWrites: [],
          associations: [],
          companyOf: new Map<string, string>(),
          dealIds: new Map<string, string>(),
          dealCompanies: new Map<string, string[]>(),
        };
    for (const [dealId, winners] of await restoredWinners(ctx, setup, mappings, group.records.filter((d) => v.outcome(d.fields) === "won" && people.get(d.id)?.size === 0)))
      for (const personId of winners) people.get(dealId)?.add(personId);
    const personIds = [...new Set([...people.values()].flatMap((s) => [...s]))];
    // The people are read with what scoring reads, for the people this group finds won (below).
    const mover = await newMover(ctx, setup, personIds, [...new Set([...ATTRIBUTION_FIELDS, ...personFields(setup)])]);
    for (const a of kept.associations) mover.associate(a.object, a.id, a.toObject, a.toId);
    // A deal belongs to its people's companies too, as a deal HubSpot creates from a contact does.
    for (const [dealId, companies] of peopleCompanies(kept.dealIds, people, mover, kept.dealCompanies))
      for (const company of companies) mover.associate(dealMapping!.marketingObject, dealId, COMPANIES, company);
    await mover.joinCompanies(kept.companyOf);
    const crmWrites = kept.crmWrites;
    const wonAmounts: WonAmount[] = [];
    const leadStatuses: LeadStatusSeen[] = [];
    const followedBeforeLoss = followedBeforeLossOf(ctx);
    for (const deal of group.records) {
      const outcome = v.outcome(deal.fields);
      const amount = Number(deal.fields[v.amountField] ?? NaN);
      const outcomeDetail = `${v.object} ${deal.id} ${outcome}`;
      // What a win carries: the deal's amount (a loss carries none).
      const money = outcome === "won" && Number.isFinite(amount) ? amount : null;
      for (const personId of people.get(deal.id) ?? []) {
        const current = mover.stage(personId);
        if (outcome && current === outcome) {
          const won = outcome === "won" ? wonAmount(mover.latest(personId), moveCause("opportunity", outcomeDetail), money) : null;
          // A person's win takes one deal: the first won deal read for a restored win within the group too.
          if (won && !wonAmounts.some((w) => w.personId === personId)) wonAmounts.push({ personId, ...won });
          continue;
        }
        const moves = current === "sal" || current === "lost" || outcome !== null;
        // After a lost store every deal is read again: one last changed before the moves restored from her
        // contact was followed then (a deal lost before her requalify), so it moves her no more.
        if (moves && (await followedBeforeLoss(personId, deal))) continue;
        // A deal is a conversion for a person sales accepted (or lost before): marketing opening a deal
        // for an MQL does not move the funnel on sales' behalf.
        if (current === "sal" || current === "lost") {
          const detail = `${v.object} ${deal.id}`;
          // With Salesforce leadloop writes the contact's lead status (a Lead converted without an
          // Opportunity left it CONNECTED): the deal now open makes it OPEN_DEAL. With HubSpot as the CRM the
          // lead status is the rep's own field, read by the dispositions phase, and left to the rep.
          const status = setup.crmIsMarketing ? undefined : leadStatusValues("opportunity");
          if (mover.moveTo(personId, "opportunity", "conversion", detail, deal.modifiedAt, null, status))
            ctx.summary.conversions++;
        }
        if (!outcome) continue;
        const closed = closedDeal(setup, deal, outcome, money);
        // Only the move writes the outcome on the contact: a look-back re-read of the closed deal moves no one.
        if (mover.moveTo(personId, outcome, "opportunity", outcomeDetail, deal.modifiedAt, money, outcomeValues(closed, mover.latestAt(personId)))) {
          ctx.summary.outcomes[outcome]++;
          // With HubSpot as the CRM the contact's lead status is the rep's verdict field: the blank status
          // leadloop leaves is marked seen, with the reason beside it, so the dispositions phase takes
          // neither for a rep's change, and the rep's next status is one.
          if (setup.crmIsMarketing)
            leadStatuses.push({ crmId: personId, status: null, reason: outcomeReason(closed), at: deal.modifiedAt });
        }
      }
    }
    if (!setup.crmIsMarketing) {
      const moved = [...new Set(mover.events.map((e) => e.personId))];
      const links = await ctx.store.findLinksByMarketingIds("contact", moved);
      await mover.campaignsFromCrm(setup, new Map([...links].map(([id, l]) => [id, [l.crmId]] as const)));
    }
    // A person won now is a customer now: scored by the customer rules in this decision, the score goes
    // out with the win in the drain's one write per record, and the next run (which reads the contact
    // leadloop wrote) finds it right; scored a run late, an idle run after a win rewrote the person.
    const wonNow = new Set(mover.events.filter((e) => e.toStage === "won").map((e) => e.personId));
    const wonRecords = [...wonNow].flatMap((id) => mover.record(id) ?? []);
    const rescored = await qualifyPage(ctx, setup, state, wonRecords, "qualified", wonNow);
    // A deal closed on a person still owed a follow-up ends it: leadloop's follow-up task is done.
    const decision = joinDecisions([
      { funnelEvents: mover.events, wonAmounts, leadStatuses, outbox: [...mover.writes(), ...crmWrites], cursors: [group.cursor] },
      rescored,
    ]);
    await decide(ctx, await withFollowUpsDone(ctx, setup, decision));
  });
}

type WonAmount = NonNullable<BatchCommit["wonAmounts"]>[number];

/**
 * Whether a deal's last change was followed before a lost store, for a person: it is older than her
 * latest restored move (core/funnel/restore.ts `latestRestoredSecond`; a deal lost before her requalify).
 * Strictly older: a deal changed in the second of that move may be the rep's new one, and a change the
 * restore already shows at that second (her loss) finds her at its outcome, which moves no one. Her
 * events are read once per group, and only for people the deal could move.
 */
function followedBeforeLossOf(ctx: RunContext): (personId: string, deal: SourceRecord) => Promise<boolean> {
  const events = new Map<string, Promise<FunnelEvent[]>>();
  return async (personId, deal) => {
    if (!events.has(personId)) events.set(personId, ctx.store.listFunnelEvents({ personId }));
    const restored = latestRestoredSecond(await events.get(personId)!);
    return restored !== undefined && restored > deal.modifiedAt.slice(0, 19);
  };
}

/** A closed deal as the vocabulary reads it, for what its outcome writes on the contact. */
function closedDeal(setup: FunnelSetup, deal: SourceRecord, outcome: "won" | "lost", amount: number | null): ClosedDeal {
  const v = setup.vocabulary.deals;
  return {
    outcome,
    noun: v.noun,
    id: deal.id,
    name: deal.fields[v.nameField] ?? null,
    amount,
    lossReason: v.lossReasonField ? (deal.fields[v.lossReasonField] ?? null) : null,
    closeDate: deal.fields[v.closeDateField] ?? null,
    closedAt: deal.modifiedAt,
  };
}

/**
 * What a won deal read again changes of its person's win, who stands at won already: a win recorded from
 * this deal takes the amount the rep corrected after it closed, so the report's revenue is what the deal
 * says; a win a lost store's restore brought back from the contact, which carries no amount, takes the
 * deal's amount and names the deal (core/funnel/restore.ts restoredDealCause), so its revenue counts again
 * and later corrections find it. Null when nothing changes.
 */
function wonAmount(
  won: { cause: string; amount: number | null } | undefined,
  dealCause: string,
  amount: number | null,
): Omit<WonAmount, "personId"> | null {
  if (!won) return null;
  if (won.cause === dealCause || won.cause === restoredDealCause(dealCause))
    return won.amount !== amount ? { cause: won.cause, amount } : null;
  return awaitsItsDeal(won.cause) ? { cause: won.cause, amount, newCause: restoredDealCause(dealCause) } : null;
}

/**
 * By won Opportunity no contact role names a linked person of: the person its converted Lead's link stamp
 * names (the Lead's `ConvertedOpportunityId`, Object Reference "Lead": "the ID of the opportunity created
 * when the lead was converted"), where the store holds a win of hers that a lost store's restore brought
 * back without its deal (core/funnel/restore.ts awaitsItsDeal): one whose contact was in HubSpot's recycle
 * bin, whom no link names after the loss, so the win takes the Opportunity's amount (its revenue) and
 * nothing else. With HubSpot as the CRM nothing is read: the deal's associations leave an archived contact
 * out, and leadloop writes nothing on a deal that names her. One query per group holding such deals.
 */
async function restoredWinners(
  ctx: RunContext,
  setup: FunnelSetup,
  mappings: readonly ObjectMapping[],
  wonUnnamed: readonly SourceRecord[],
): Promise<Map<string, string[]>> {
  const lead = setup.crmIsMarketing ? undefined : mappings.find((m) => m.pair === "contact" && m.conversion);
  const byOpportunity = lead?.conversion?.opportunityField;
  const stamp = lead?.crmExternalId;
  if (wonUnnamed.length === 0 || !lead || !byOpportunity || !stamp) return new Map();
  // Only a rebuilt store has restored wins: one that never lost itself asks the CRM nothing here.
  if (!(await ctx.store.restoredWinsAwaitDeals())) return new Map();
  const leads = await ctx.crm.findBy(lead.crmObject, byOpportunity, wonUnnamed.map((d) => d.id), [byOpportunity, stamp]);
  const named = leads.filter((l) => l.fields[stamp] && l.fields[byOpportunity]);
  const latest = await ctx.store.latestEvents([...new Set(named.map((l) => l.fields[stamp]!))]);
  const out = new Map<string, string[]>();
  for (const l of named) {
    const win = latest.get(l.fields[stamp]!);
    if (win?.stage === "won" && awaitsItsDeal(win.cause)) out.set(l.fields[byOpportunity]!, [...(out.get(l.fields[byOpportunity]!) ?? []), l.fields[stamp]!]);
  }
  return out;
}

/** Marketing person ids per deal: the deal's contact roles (Salesforce) or associated contacts (HubSpot). */
async function peopleOfDeals(
  ctx: RunContext,
  setup: FunnelSetup,
  deals: readonly SourceRecord[],
): Promise<Map<string, Set<string>>> {
  const v = setup.vocabulary.deals;
  const ids = deals.map((d) => d.id);
  const out = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  if (v.contactRoles) {
    const { object, dealField, contactField } = v.contactRoles;
    const roles = await ctx.crm.findBy(object, dealField, ids, [dealField, contactField]);
    const links = await ctx.store.findLinksByCrmIds(
      "contact",
      roles.map((r) => r.fields[contactField] ?? "").filter((id) => id !== ""),
    );
    for (const role of roles) {
      const personId = links.get(role.fields[contactField] ?? "")?.marketingId;
      if (personId) out.get(role.fields[dealField] ?? "")?.add(personId);
    }
  } else if (ctx.crm.readAssociations) {
    // HubSpot as CRM: the deal's contacts are the people themselves.
    for (const [dealId, contacts] of await ctx.crm.readAssociations(v.object, ids, CONTACTS)) {
      for (const id of contacts) out.get(dealId)?.add(id);
    }
  }
  return out;
}

/**
 * A deal and its Opportunity name the same people and company: what one side has and the other lacks
 * is added (HubSpot associations on the deal and the contacts; AccountId and contact roles on the
 * Opportunity). People associated in HubSpot count as the deal's people for its outcome too.
 */
async function keepDealAssociations(
  ctx: RunContext,
  setup: FunnelSetup,
  mapping: ObjectMapping,
  opportunities: readonly SourceRecord[],
  people: Map<string, Set<string>>,
): Promise<{
  crmWrites: OutboxWrite[];
  associations: { object: string; id: string; toObject: string; toId: string }[];
  companyOf: Map<string, string>;
  /** The HubSpot deal of each linked Opportunity, and the companies each deal is associated with. */
  dealIds: Map<string, string>;
  dealCompanies: Map<string, string[]>;
}> {
  const v = setup.vocabulary.deals;
  const out = {
    crmWrites: [] as OutboxWrite[],
    associations: [] as AssociationToAdd[],
    companyOf: new Map<string, string>(),
    dealIds: new Map<string, string>(),
    dealCompanies: new Map<string, string[]>(),
  };
  const dealLinks = await ctx.store.findLinksByCrmIds(mapping.pair, opportunities.map((o) => o.id));
  if (dealLinks.size === 0 || !ctx.marketing.readAssociations) return out;
  const dealIds = [...dealLinks.values()].map((l) => l.marketingId);
  const dealContacts = await ctx.marketing.readAssociations(mapping.marketingObject, dealIds, CONTACTS);
  const dealCompanies = await ctx.marketing.readAssociations(mapping.marketingObject, dealIds, COMPANIES);
  out.dealCompanies = dealCompanies;
  for (const [oppId, l] of dealLinks) out.dealIds.set(oppId, l.marketingId);
  const accountField = v.accountField;
  const accountIds = accountField
    ? opportunities.map((o) => o.fields[accountField] ?? "").filter((id) => id !== "")
    : [];
  const accountLinks = await ctx.store.findLinksByCrmIds("company", accountIds);
  const companyLinks = await ctx.store.findLinksByMarketingIds("company", [...dealCompanies.values()].flat());
  const personLinks = await ctx.store.findLinksByMarketingIds("contact", [...dealContacts.values()].flat());
  for (const opp of opportunities) {
    const dealId = dealLinks.get(opp.id)?.marketingId;
    if (!dealId) continue;
    const withRole = new Set(people.get(opp.id) ?? []);
    const hsContacts = new Set(dealContacts.get(dealId) ?? []);
    const hsCompanies = new Set(dealCompanies.get(dealId) ?? []);
    const account = accountField ? (opp.fields[accountField] ?? null) : null;
    const company = account ? accountLinks.get(account)?.marketingId : undefined;
    // HubSpot lacks: the Opportunity's people and its Account's company.
    for (const personId of withRole) {
      if (!hsContacts.has(personId))
        out.associations.push({ object: mapping.marketingObject, id: dealId, toObject: CONTACTS, toId: personId });
      if (company) out.companyOf.set(personId, company);
    }
    if (company && !hsCompanies.has(company))
      out.associations.push({ object: mapping.marketingObject, id: dealId, toObject: COMPANIES, toId: company });
    // The CRM lacks: the deal's company as the Opportunity's account, its people (Contacts) as roles.
    const hsCompany = [...hsCompanies].map((id) => companyLinks.get(id)).find((l) => l !== undefined);
    if (!account && hsCompany && accountField) {
      out.crmWrites.push(
        funnelWrite(ctx, {
          key: `associations:${opp.object}:${opp.id}`,
          phase: "lineage",
          side: "crm",
          object: opp.object,
          recordId: opp.id,
          fields: { [accountField]: hsCompany.crmId },
          before: opp.fields,
          rule: `deal ${dealId} is associated with company ${hsCompany.marketingId}`,
          personId: null,
        }),
      );
    }
    const all = new Set(withRole);
    for (const personId of hsContacts) {
      all.add(personId);
      const personLink = personLinks.get(personId);
      if (!v.contactRoles || withRole.has(personId) || personLink?.crmType !== "Contact") continue;
      out.crmWrites.push(
        funnelWrite(ctx, {
          key: `associations:${v.contactRoles.object}:${opp.id}:${personLink.crmId}`,
          phase: "lineage",
          side: "crm",
          object: v.contactRoles.object,
          recordId: null,
          fields: { [v.contactRoles.dealField]: opp.id, [v.contactRoles.contactField]: personLink.crmId },
          rule: `deal ${dealId} is associated with contact ${personId}`,
          personId,
        }),
      );
    }
    people.set(opp.id, all);
  }
  return out;
}

/** Per deal: its people's own companies (HubSpot's primary company of each contact) it lacks. */
function peopleCompanies(
  dealIds: ReadonlyMap<string, string>,
  people: ReadonlyMap<string, ReadonlySet<string>>,
  mover: Mover,
  dealCompanies: ReadonlyMap<string, string[]>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [oppId, dealId] of dealIds) {
    const has = new Set(dealCompanies.get(dealId) ?? []);
    for (const personId of people.get(oppId) ?? []) {
      const company = mover.company(personId);
      if (company && !has.has(company)) out.set(dealId, (out.get(dealId) ?? new Set()).add(company));
    }
  }
  return out;
}

interface AssociationToAdd {
  object: string;
  id: string;
  toObject: string;
  toId: string;
}

interface Mover {
  events: FunnelEvent[];
  person(id: string): FieldValues;
  /**
   * The person's contact as read (undefined for one not found), with the values the group's stage write
   * gives it: a person won now is scored as the contact will stand (`leadloop_status` won and the deal's
   * close in `leadloop_disposition_date`, what core/funnel/customer-since.ts counts a customer's behaviour from).
   */
  record(id: string): SourceRecord | undefined;
  /** Whether the person's contact was read (it exists). */
  knows(id: string): boolean;
  /** The person's company in marketing: HubSpot's primary company, else the first associated one. */
  company(id: string): string | null;
  stage(id: string): Stage;
  /** When the person's latest move happened, this group's included; undefined for a person never moved. */
  latestAt(id: string): string | undefined;
  /** The person's latest move as the store held it when the group began; undefined once moved in it. */
  latest(id: string): { cause: string; amount: number | null } | undefined;
  /**
   * Records the move and decides the contact's stage values (and `carried`'s: a rep's verdict, or the
   * contact's lead status, the move carries); false when the table does not allow it.
   */
  moveTo(
    personId: string,
    to: Stage,
    cause: CauseKind,
    detail: string,
    at: string,
    amount: number | null,
    carried?: FieldValues,
  ): boolean;
  /** An association to add in marketing from an existing record. */
  associate(object: string, id: string, toObject: string, toId: string): void;
  /**
   * The campaign of the people this group moved whom HubSpot names no campaign of its own for: their CRM
   * records' (ids per person) campaign membership, where the CRM keeps one; it outranks the drill-down's
   * text, in their events. Asked after the moves, so a look-back re-read that moves no one looks up none.
   */
  campaignsFromCrm(setup: FunnelSetup, crmIds: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /** Each person (key) belongs to the company (value): associated in marketing unless already. */
  joinCompanies(companyOf: ReadonlyMap<string, string>): Promise<void>;
  writes(): OutboxWrite[];
}

/** Moves people along the funnel within one group: a person may move twice (opportunity, then won). */
async function newMover(
  ctx: RunContext,
  setup: FunnelSetup,
  personIds: readonly (string | undefined)[],
  /** The contact properties read of the people: their attribution, unless the caller scores them too. */
  fields: readonly string[] = ATTRIBUTION_FIELDS,
): Promise<Mover> {
  const ids = [...new Set(personIds.filter((id): id is string => !!id))];
  const latest = await ctx.store.latestEvents(ids);
  const stages = new Map([...latest].map(([id, e]) => [id, e.stage]));
  const latestAt = new Map([...latest].map(([id, e]) => [id, e.at]));
  const records = new Map(ids.length > 0 ? (await ctx.marketing.readByIds(CONTACTS, ids, fields)).map((p) => [p.id, p]) : []);
  const people = new Map([...records].map(([id, p]) => [id, p.fields]));
  // HubSpot names a contact's primary company in `associatedcompanyid`: only a contact without one has
  // its associations read (a company associated without being made primary).
  const unnamed = ids.filter((id) => !people.get(id)?.associatedcompanyid);
  const associatedCompanies =
    unnamed.length > 0 && ctx.marketing.readAssociations
      ? await ctx.marketing.readAssociations(CONTACTS, unnamed, COMPANIES)
      : new Map<string, string[]>();
  const events: FunnelEvent[] = [];
  const stageWrites = new Map<string, OutboxWrite>();
  /** The values each person's stage write gives the contact (`record` reads the contact as they leave it). */
  const stageFields = new Map<string, FieldValues>();
  /** The values a person's moves carried (a verdict, a lead status), kept through their later moves in the group. */
  const carriedBy = new Map<string, FieldValues>();
  /** Each moved person's lifecycle stage before the group's moves, which the one write moves her from. */
  const heldLifecycle = new Map<string, string>();
  const associations = new Map<string, { object: string; id: string; links: { object: string; id: string }[] }>();
  const campaigns = await marketingCampaigns(ctx, setup, people);
  const associate = (object: string, id: string, toObject: string, toId: string) => {
    const key = `${object}:${id}`;
    const entry = associations.get(key) ?? { object, id, links: [] };
    if (!entry.links.some((l) => l.object === toObject && l.id === toId)) entry.links.push({ object: toObject, id: toId });
    associations.set(key, entry);
  };
  const campaignOf = (personId: string): EventCampaign =>
    campaigns.get(personId) ?? { campaign: null, campaignId: null, campaignOrigin: null };
  const mover: Mover = {
    events,
    person: (id) => people.get(id) ?? {},
    record: (id) => {
      const record = records.get(id);
      const written = stageFields.get(id);
      return record && written ? { ...record, fields: { ...record.fields, ...written } } : record;
    },
    knows: (id) => people.has(id),
    company: (id) => people.get(id)?.associatedcompanyid || associatedCompanies.get(id)?.[0] || null,
    stage: (id) => (stages.get(id) ?? "lead") as Stage,
    latest: (id) => (events.some((e) => e.personId === id) ? undefined : latest.get(id)),
    latestAt: (id) => latestAt.get(id),
    moveTo(personId, to, cause, detail, at, amount, carried) {
      const from = mover.stage(personId);
      const allowed = move(from, to, { kind: cause, detail });
      if (!allowed.ok) {
        ctx.log.debug("person.not_moved", { personId, from, to, reason: allowed.message });
        return false;
      }
      const person = mover.person(personId);
      events.push({
        personId,
        email: person.email ?? null,
        fromStage: from,
        toStage: to,
        at: notBefore(at, latestAt.get(personId)),
        cause: moveCause(cause, detail),
        runId: ctx.runId,
        source: person.hs_analytics_source ?? null,
        ...campaignOf(personId),
        ownerId: null,
        amount,
      });
      stages.set(personId, to);
      latestAt.set(personId, notBefore(at, latestAt.get(personId)));
      if (carried) carriedBy.set(personId, { ...carriedBy.get(personId), ...carried });
      // One write per person, the latest move's values (with what the moves carried). A move on from a
      // stage HubSpot keeps as "other" (trash or lost: the rep converts the Lead after all) goes back in
      // its lifecycle order, which HubSpot ignores unless the stage is cleared first (lifecycle-values.ts).
      const fields: FieldValues = { ...carriedBy.get(personId), [LIFECYCLE_FIELD]: lifecycleFor(to), leadloop_status: to };
      // The lineage reads few contacts: unread, hers is the stage leadloop gave her before this group's moves.
      if (!heldLifecycle.has(personId)) heldLifecycle.set(personId, person[LIFECYCLE_FIELD] || lifecycleFor(from));
      const clearFirst = lifecycleNeedsClear(heldLifecycle.get(personId), lifecycleFor(to)) ? [LIFECYCLE_FIELD] : [];
      stageFields.set(personId, fields);
      stageWrites.set(
        personId,
        funnelWrite(ctx, {
          key: `lineage:${personId}`,
          phase: "lineage",
          side: "marketing",
          object: CONTACTS,
          recordId: personId,
          fields,
          before: person,
          rule: `${cause}: ${detail}`,
          personId,
          email: person.email ?? null,
          clearFirst,
        }),
      );
      ctx.log.debug("person.moved", { personId, from, to, cause });
      return true;
    },
    associate,
    async campaignsFromCrm(setup, crmIds) {
      const moved = new Set(events.map((e) => e.personId));
      const wanted = new Map(
        [...crmIds].filter(([personId]) => moved.has(personId) && campaignOf(personId).campaignOrigin !== "hubspot-campaign"),
      );
      const found = await crmCampaigns(ctx, setup, wanted);
      for (const [personId, campaign] of found) campaigns.set(personId, campaign);
      for (const [i, e] of events.entries()) {
        const campaign = found.get(e.personId);
        if (campaign) events[i] = { ...e, ...campaign };
      }
    },
    async joinCompanies(companyOf) {
      // A person who has a company keeps it: a rep's duplicate Account does not become a second one.
      const wanted = [...companyOf.keys()].filter((personId) => !mover.company(personId));
      if (wanted.length === 0 || !ctx.marketing.readAssociations) return;
      // The mover read the associations of the people it knows: one without a company has none.
      const unknown = wanted.filter((personId) => !people.has(personId));
      const current = unknown.length > 0 ? await ctx.marketing.readAssociations(CONTACTS, unknown, COMPANIES) : new Map<string, string[]>();
      for (const personId of wanted) {
        const companyId = companyOf.get(personId)!;
        if (!(current.get(personId) ?? []).includes(companyId)) associate(CONTACTS, personId, COMPANIES, companyId);
      }
    },
    writes: () => [
      ...stageWrites.values(),
      ...[...associations.values()].map((a) =>
        funnelWrite(ctx, {
          key: `associations:${a.object}:${a.id}`,
          phase: "lineage",
          side: "marketing",
          object: a.object,
          recordId: a.id,
          fields: {},
          rule: "associations",
          personId: a.object === CONTACTS ? a.id : null,
          associations: a.links,
        }),
      ),
    ],
  };
  return mover;
}

/** A move's cause as its funnel event keeps it: the kind, then what made it (`opportunity: Opportunity 006… won`). */
function moveCause(kind: CauseKind, detail: string): string {
  return `${kind}: ${detail}`;
}
