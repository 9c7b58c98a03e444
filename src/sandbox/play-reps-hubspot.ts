// Reps working the contacts leadloop handed them when HubSpot's own objects are the CRM (leadloop_mql_date
// set): a first logged call and lead status IN_PROGRESS; then a verdict: OPEN_DEAL with a deal associated
// with the contact and its company, BAD_TIMING (with a follow-up email), UNQUALIFIED, or
// ATTEMPTED_TO_CONTACT (after a call with no answer); calls and emails are engagements associated with
// the contact (CRM v3 calls and emails objects); a deal from an earlier round is closed won or lost. A rep
// an admin deactivated works nothing: their contacts and deals wait for a manager to reassign them.
import type { HubspotEmulator } from "./hubspot/emulator.js";
import type { HubspotObject } from "./hubspot/hubspot-data.js";
import type { PeopleRound } from "./play-people.js";
import { dealAmount, type DealOutcome, nextDealOutcome, nextVerdict, type Verdict } from "./rep-verdicts.js";
import type { Random } from "./seed/random.js";

export const HUBSPOT_STATUS_OF: Readonly<Record<Verdict, string>> = {
  qualified: "OPEN_DEAL",
  recycle: "BAD_TIMING",
  trash: "UNQUALIFIED",
  unreachable: "ATTEMPTED_TO_CONTACT",
};
const CLOSED_STAGES = new Set(["closedwon", "closedlost"]);

export function playHubspotReps(rng: Random, hubspot: HubspotEmulator, now: Date, played: PeopleRound): void {
  const data = hubspot.data;
  // HubSpot refuses an engagement owned by a deactivated user (INVALID_OWNER_ID): their owner id stays on
  // their records, and nobody logs calls as them.
  const deactivated = new Set(data.listOwners().filter((o) => o.archived).map((o) => o.id));
  const working = (record: HubspotObject) => !deactivated.has(record.properties.hubspot_owner_id ?? "");
  const handedOff = data.listObjects("contacts").filter((c) => c.properties.leadloop_mql_date);
  const iso = now.toISOString();
  const engagement = (
    contact: HubspotObject,
    type: "calls" | "emails",
    properties: Record<string, string>,
  ): void => {
    const owner = contact.properties.hubspot_owner_id ?? null;
    const created = data.createObject(type, { ...properties, hs_timestamp: iso, hubspot_owner_id: owner }, now);
    data.associate(type, created.id, "contacts", contact.id);
    if (type === "calls") played.callsLogged++;
    else played.emailsLogged++;
  };
  const call = (contact: HubspotObject, title: string, status: "COMPLETED" | "NO_ANSWER", body: string) =>
    engagement(contact, "calls", {
      hs_call_title: title,
      hs_call_body: body,
      hs_call_status: status,
      hs_call_direction: "OUTBOUND",
      hs_call_duration: status === "COMPLETED" ? String(rng.int(4, 25) * 60_000) : "0",
    });

  const verdicts: Record<Verdict, number> = { qualified: 0, recycle: 0, trash: 0, unreachable: 0 };
  for (const c of handedOff)
    for (const v of Object.keys(verdicts) as Verdict[])
      if (c.properties.hs_lead_status === HUBSPOT_STATUS_OF[v]) verdicts[v]++;

  // Open deals of handed-off people, opened before this round: the ones a rep may close now.
  const handedOffIds = new Set(handedOff.map((c) => c.id));
  const openDeals = data
    .listObjects("deals")
    .filter(
      (d) =>
        working(d) &&
        !CLOSED_STAGES.has(d.properties.dealstage ?? "") &&
        d.createdAt.getTime() < now.getTime() &&
        data.associationsOf("deals", d.id, "contacts").some((a) => handedOffIds.has(a.toId)),
    );

  for (const contact of handedOff) {
    if (!working(contact)) continue;
    const status = contact.properties.hs_lead_status ?? "";
    // The handoff sets NEW; a person handed off again after a recycle is NEW again. A won or lost deal
    // blanks the status too (deal-outcome.ts): that person is a customer or a lost deal, no new lead.
    if (status === "NEW" || (status === "" && contact.properties.leadloop_status === "mql")) {
      call(contact, "Intro call", "COMPLETED", "Introduced ourselves; interested, asked for a follow-up next week.");
      data.updateObject("contacts", contact.id, { hs_lead_status: "IN_PROGRESS" }, now);
      played.working++;
      continue;
    }
    if (status !== "IN_PROGRESS") continue;
    const verdict = nextVerdict(verdicts, rng);
    if (verdict === "qualified") {
      call(contact, "Discovery call", "COMPLETED", "Discovery call: budget confirmed, evaluation this quarter.");
      openDeal(rng, hubspot, contact, now);
      played.qualified++;
    } else if (verdict === "recycle") {
      engagement(contact, "emails", {
        hs_email_subject: "Let's talk next quarter",
        hs_email_text: "Not a priority before your next budget cycle; I'll be back in touch next quarter.",
        hs_email_direction: "EMAIL",
        hs_email_status: "SENT",
      });
      played.recycled++;
    } else if (verdict === "unreachable") {
      call(contact, "Follow-up call", "NO_ANSWER", "Third attempt, no answer; voicemail left.");
      played.unreachable++;
    } else played.trashed++;
    data.updateObject("contacts", contact.id, { hs_lead_status: HUBSPOT_STATUS_OF[verdict] }, now);
  }

  const outcomes: Record<DealOutcome, number> = { won: 0, lost: 0 };
  for (const d of data.listObjects("deals")) {
    if (d.properties.dealstage === "closedwon") outcomes.won++;
    if (d.properties.dealstage === "closedlost") outcomes.lost++;
  }
  for (const deal of openDeals) {
    const outcome = nextDealOutcome(outcomes, rng);
    data.updateObject(
      "deals",
      deal.id,
      { dealstage: outcome === "won" ? "closedwon" : "closedlost", closedate: iso },
      now,
    );
    if (outcome === "won") played.opportunitiesWon++;
    else played.opportunitiesLost++;
  }
}

/** A deal in the default pipeline, associated with the contact and the contact's company. */
function openDeal(rng: Random, hubspot: HubspotEmulator, contact: HubspotObject, now: Date): void {
  const data = hubspot.data;
  const companyId = contact.properties.associatedcompanyid;
  const company = companyId ? data.getObject("companies", companyId) : undefined;
  const employees = company?.properties.numberofemployees;
  const name = company?.properties.name ?? contact.properties.company ?? contact.properties.email ?? "New customer";
  const deal = data.createObject(
    "deals",
    {
      dealname: `${name} - New Business`,
      pipeline: "default",
      dealstage: "qualifiedtobuy",
      dealtype: "newbusiness",
      amount: String(dealAmount(rng, employees ? Number(employees) : null)),
      closedate: new Date(now.getTime() + 45 * 86_400_000).toISOString(),
      hubspot_owner_id: contact.properties.hubspot_owner_id ?? null,
    },
    now,
  );
  data.associate("deals", deal.id, "contacts", contact.id);
  if (company) data.associate("deals", deal.id, "companies", company.id);
}
