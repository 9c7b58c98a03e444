// Salesforce reps working the Leads leadloop handed them (Leadloop_MQL_Date__c set), as they would in the
// UI: a first call and "Working - Contacted"; then a verdict with the statuses leadloop's README has
// the admin set up: converted with an Opportunity ("Closed - Converted", the emulator's convertLead as
// the Convert button does it), "Closed - Not Converted", "Closed - Unqualified", "Closed - Unreachable";
// calls and emails logged as completed Tasks; an Opportunity from an earlier round Closed Won or Lost.
// Each change is the rep's: the record's owner's (its LastModifiedById), not the integration user's. A rep
// an admin deactivated works nothing: their Leads and Opportunities wait for a manager to reassign them.
import type { PeopleRound } from "./play-people.js";
import { dealAmount, type DealOutcome, nextDealOutcome, nextVerdict, type Verdict } from "./rep-verdicts.js";
import type { SalesforceEmulator } from "./salesforce/emulator.js";
import type { Random } from "./seed/random.js";

type SObject = Record<string, unknown>;

/** Opportunity.Name's length (Object Reference, "Opportunity"): the Convert dialog's name field takes no more. */
const OPPORTUNITY_NAME_MAX = 120;
const NEW_BUSINESS = " - New Business";

/** The name a rep gives the converted Lead's Opportunity: the company's, cut to fit the field, then "- New Business". */
function opportunityName(company: unknown): string {
  return `${String(company ?? "New customer").slice(0, OPPORTUNITY_NAME_MAX - NEW_BUSINESS.length).trimEnd()}${NEW_BUSINESS}`;
}

export const SALESFORCE_STATUS_OF: Readonly<Record<Verdict, string>> = {
  qualified: "Closed - Converted",
  recycle: "Closed - Not Converted",
  trash: "Closed - Unqualified",
  unreachable: "Closed - Unreachable",
};
const NEW_STATUS = "Open - Not Contacted";
const WORKING_STATUS = "Working - Contacted";
/** Verdicts after which a new handoff (the person came back) is worked again. */
const REOPENABLE = new Set([SALESFORCE_STATUS_OF.recycle, SALESFORCE_STATUS_OF.unreachable]);

export function playSalesforceReps(
  rng: Random,
  sf: SalesforceEmulator,
  now: Date,
  played: PeopleRound,
): void {
  const data = sf.data;
  const day = now.toISOString().slice(0, 10);
  // In the people's order, not the Leads': the same seed plays the same story whichever order leadloop
  // created the Leads in (a lost store's run, say, creates them in another).
  const handedOff = data
    .list("Lead")
    .filter((l) => l.HubSpot_Contact_Id__c && l.Leadloop_MQL_Date__c)
    .sort(byPerson);
  const logged = (whoId: string, subtype: "Call" | "Email", subject: string, ownerId: unknown, body: string) => {
    data.insert(
      "Task",
      {
        Subject: subject,
        Status: "Completed",
        TaskSubtype: subtype,
        WhoId: whoId,
        OwnerId: ownerId ?? null,
        ActivityDate: day,
        Description: body,
      },
      now,
      repOf(ownerId),
    );
    if (subtype === "Call") played.callsLogged++;
    else played.emailsLogged++;
  };

  const verdicts: Record<Verdict, number> = { qualified: 0, recycle: 0, trash: 0, unreachable: 0 };
  for (const l of handedOff) {
    if (l.IsConverted === true) verdicts.qualified++;
    for (const v of ["recycle", "trash", "unreachable"] as const)
      if (l.Status === SALESFORCE_STATUS_OF[v]) verdicts[v]++;
  }
  const lastRepTask = lastRepTaskByWho(sf);
  const working = byActiveOwner(sf);
  // Taken before this round's conversions: a rep closes only deals opened in an earlier round.
  const opportunities = opportunitiesOf(sf, handedOff).filter(working);

  for (const lead of handedOff) {
    if (lead.IsConverted === true || !working(lead)) continue;
    const id = String(lead.Id);
    const status = String(lead.Status);
    // Handed off again after a recycle or a failed reach (the person came back): a new lead to work.
    const handedOffAgain =
      REOPENABLE.has(status) && Date.parse(String(lead.Leadloop_MQL_Date__c)) > (lastRepTask.get(id) ?? 0);
    if (status === NEW_STATUS || handedOffAgain) {
      logged(id, "Call", "Call: intro", lead.OwnerId, "Introduced ourselves; interested, asked for a follow-up next week.");
      data.update("Lead", id, { Status: WORKING_STATUS }, now, repOf(lead.OwnerId));
      played.working++;
      continue;
    }
    if (status !== WORKING_STATUS) continue;
    const verdict = nextVerdict(verdicts, rng);
    if (verdict === "qualified") {
      logged(id, "Call", "Call: discovery", lead.OwnerId, "Discovery call: budget confirmed, evaluation this quarter.");
      const { opportunityId } = data.convertLead(
        id,
        {
          convertedStatus: SALESFORCE_STATUS_OF.qualified,
          opportunityName: opportunityName(lead.Company),
        },
        now,
        repOf(lead.OwnerId),
      );
      if (opportunityId)
        data.update(
          "Opportunity",
          opportunityId,
          {
            StageName: "Qualification",
            Amount: dealAmount(rng, numberOrNull(lead.NumberOfEmployees)),
          },
          now,
          repOf(lead.OwnerId),
        );
      played.qualified++;
      continue;
    }
    if (verdict === "recycle") {
      logged(id, "Email", "Email: let's talk next quarter", lead.OwnerId, "Not a priority before next budget cycle; back in touch next quarter.");
      played.recycled++;
    } else if (verdict === "unreachable") {
      logged(id, "Call", "Call: no answer", lead.OwnerId, "Third attempt, no answer; voicemail left.");
      played.unreachable++;
    } else played.trashed++;
    data.update("Lead", id, { Status: SALESFORCE_STATUS_OF[verdict] }, now, repOf(lead.OwnerId));
  }

  closeOpportunities(rng, sf, opportunities, now, played);
}

/**
 * Whether a record's owner can still work it: not a user an admin deactivated, since Salesforce refuses a
 * Task or a record given to one (INACTIVE_OWNER_OR_USER) and the user no longer logs in. Unowned
 * records are the integration user's, who works them.
 */
function byActiveOwner(sf: SalesforceEmulator): (record: SObject) => boolean {
  const inactive = new Set(sf.data.list("User").filter((u) => u.IsActive !== true).map((u) => String(u.Id)));
  return (record) => !inactive.has(String(record.OwnerId));
}

/** The Opportunities handed-off Leads were converted with. */
function opportunitiesOf(sf: SalesforceEmulator, handedOff: readonly SObject[]): SObject[] {
  const ids = new Set(handedOff.map((l) => l.ConvertedOpportunityId).filter(Boolean).map(String));
  return sf.data
    .list("Opportunity")
    .filter((o) => ids.has(String(o.Id)))
    .sort(byId);
}

/** Of these Opportunities (all opened in an earlier round), the open ones are won (with their Amount) or lost. */
function closeOpportunities(
  rng: Random,
  sf: SalesforceEmulator,
  opportunities: readonly SObject[],
  now: Date,
  played: PeopleRound,
): void {
  const outcomes: Record<DealOutcome, number> = { won: 0, lost: 0 };
  for (const o of opportunities) {
    if (o.StageName === "Closed Won") outcomes.won++;
    if (o.StageName === "Closed Lost") outcomes.lost++;
  }
  const today = now.toISOString().slice(0, 10);
  for (const o of opportunities) {
    if (o.StageName === "Closed Won" || o.StageName === "Closed Lost") continue;
    const outcome = nextDealOutcome(outcomes, rng);
    sf.data.update(
      "Opportunity",
      String(o.Id),
      { StageName: outcome === "won" ? "Closed Won" : "Closed Lost", CloseDate: today },
      now,
      repOf(o.OwnerId),
    );
    if (outcome === "won") played.opportunitiesWon++;
    else played.opportunitiesLost++;
  }
}

/** When a rep last logged a Task (not leadloop's own) on each Lead, in epoch milliseconds. */
function lastRepTaskByWho(sf: SalesforceEmulator): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of sf.data.list("Task")) {
    if (t.Leadloop_Activity_Key__c || !t.WhoId) continue;
    const who = String(t.WhoId);
    const at = Date.parse(String(t.CreatedDate));
    if (at > (out.get(who) ?? 0)) out.set(who, at);
  }
  return out;
}

function byPerson(a: SObject, b: SObject): number {
  return String(a.HubSpot_Contact_Id__c).localeCompare(String(b.HubSpot_Contact_Id__c)) || byId(a, b);
}

function byId(a: SObject, b: SObject): number {
  return String(a.Id).localeCompare(String(b.Id));
}

/** The rep a record's owner is, who made the change; none (the integration user's) for an unowned one. */
function repOf(ownerId: unknown): string | undefined {
  return typeof ownerId === "string" && ownerId !== "" ? ownerId : undefined;
}

function numberOrNull(value: unknown): number | null {
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? null : n;
}
