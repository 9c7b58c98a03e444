// A funnel setup for integration tests: the shipped qualification and SLA, a small routing file with
// reps that exist in both emulators, and the handoff vocabulary of the CRM under test.
import { loadQualification } from "../../src/config/qualification-file.js";
import { parseRouting } from "../../src/config/routing-file.js";
import { loadSla } from "../../src/config/sla-file.js";
import { compileDefinition } from "../../src/core/scoring/compile.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { hubspotHandoffVocabulary } from "../../src/systems/hubspot/handoff-vocabulary.js";
import { salesforceHandoffVocabulary } from "../../src/systems/salesforce/handoff-vocabulary.js";
import { runCli } from "./cli-run.js";
import { type LoopHarness, type LoopOptions, startLoop } from "./loop-harness.js";
import { dirname, join } from "node:path";

export const REPS = {
  emea: { email: "helene.dubois@leadloop-demo.com", firstName: "Hélène", lastName: "Dubois" },
  fallback: { email: "jordan.miller@leadloop-demo.com", firstName: "Jordan", lastName: "Miller" },
};

/** Routing for REPS: France and Germany to the EMEA queue (its reps `emea`), everyone else to the fallback. */
export function routingWith(emea: readonly string[]): string {
  return `version: 1
keepAccountOwner: true
queues:
  emea: [${emea.join(", ")}]
rules:
  - id: emea
    description: France and Germany
    when: { country: [France, DE] }
    assign: { queue: emea }
fallback: ${REPS.fallback.email}
`;
}

/** Routing for REPS: France and Germany to the EMEA queue, everyone else to the fallback. */
export const TEST_ROUTING = routingWith([REPS.emea.email]);

/**
 * A loop on an injected clock starting at `start` (move `clock.t` on), Salesforce's Lead history tracking the
 * fields a lost store's SLA restore reads: status, owner and MQL date.
 */
export async function startSlaLoop(crm: "salesforce" | "hubspot", start: number) {
  const clock = { t: start };
  const now = () => new Date(clock.t);
  const loop = await startLoop({
    now,
    ...(crm === "salesforce" ? { salesforce: { trackedFields: { Lead: ["Status", "OwnerId", "Leadloop_MQL_Date__c"] } } } : {}),
  });
  return { clock, now, loop };
}

/** Creates the reps as Salesforce users and HubSpot owners; returns their ids by email. */
export function seedReps(
  loop: Pick<LoopHarness, "hubspot" | "salesforce">,
): Map<string, { salesforce: string; hubspot: string }> {
  const ids = new Map<string, { salesforce: string; hubspot: string }>();
  for (const rep of Object.values(REPS)) {
    const salesforce = loop.salesforce.data.insert("User", {
      Username: `${rep.email}.test`,
      Email: rep.email,
      FirstName: rep.firstName,
      LastName: rep.lastName,
      IsActive: true,
    });
    const hubspot = loop.hubspot.data.addOwner(rep).id;
    ids.set(rep.email, { salesforce, hubspot });
  }
  return ids;
}

/** A loop (loop-harness.ts) whose emulators have REPS. */
export async function startLoopWithReps(options: LoopOptions = {}): Promise<LoopHarness> {
  const loop = await startLoop(options);
  seedReps(loop);
  return loop;
}

export function funnelFor(loop: LoopHarness, crm: "salesforce" | "hubspot"): FunnelSetup {
  const hubspotVocabulary = hubspotHandoffVocabulary(loop.hubspotAdapter);
  return {
    qualification: compileDefinition(loadQualification(`${SHIPPED_CONFIG}/qualification.yaml`)),
    routing: parseRouting(TEST_ROUTING, "test-routing.yaml"),
    sla: loadSla(`${SHIPPED_CONFIG}/sla.yaml`),
    vocabulary:
      crm === "salesforce" ? salesforceHandoffVocabulary(loop.salesforceAdapter) : hubspotVocabulary,
    marketingOwnersByEmail: (emails) => hubspotVocabulary.ownersByEmail(emails),
    activities: loop.hubspotAdapter,
    campaigns: { readCampaigns: () => loop.hubspotAdapter.readCampaigns("campaign_type") },
    behaviourSource: "auto",
    inclusion: "mql",
    crmIsMarketing: crm === "hubspot",
    activityWindowDays: 365,
  };
}

/**
 * Anaïs Bérenger-Duval, a sales director at a French company (a mixed-case email, accents in her names):
 * the well-fitting prospect the funnel tests qualify, hand off and close. Returns her contact id.
 */
export function seedAnais(loop: Pick<LoopHarness, "hubspot">, extra: Record<string, string> = {}): string {
  return loop.hubspot.data.createObject("contacts", { ...ANAIS, ...extra }).id;
}

/**
 * Anaïs at her company, Société Générale d'Optique (a 420-person French software company, a core-market
 * fit), come from a paid search: her contact id.
 */
export function seedAnaisAtOptique(loop: Pick<LoopHarness, "hubspot">): string {
  const company = loop.hubspot.data.createObject("companies", {
    name: "Société Générale d'Optique",
    domain: "sgo-optique.fr",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "420",
    country: "France",
  });
  const personId = seedAnais(loop, { hs_analytics_source: "PAID_SEARCH" });
  loop.hubspot.data.associate("contacts", personId, "companies", company.id);
  return personId;
}

/** Anaïs's contact properties, as `seedAnais` creates her (for a test that scores her without the loop). */
export const ANAIS: Readonly<Record<string, string>> = {
  email: "Anais.Berenger@SGO-Optique.fr",
  firstname: "Anaïs",
  lastname: "Bérenger-Duval",
  jobtitle: "Directrice Commerciale",
  company: "Société Générale d'Optique",
  country: "France",
};

/** A loop on `now` with the reps, and Anaïs, whose pricing visit and demo request make her an MQL. */
export async function startAnaisLoop(now: () => Date): Promise<{ loop: LoopHarness; personId: string }> {
  const loop = await startLoop({ now });
  seedReps(loop);
  const personId = seedAnais(loop);
  pricingAndDemo(loop, personId);
  return { loop, personId };
}

/** Société Générale d'Ingénierie, a 400-person French software company (a core-market fit): its id. */
export function seedSgiCompany(loop: Pick<LoopHarness, "hubspot">): string {
  return loop.hubspot.data.createObject("companies", {
    name: "Société Générale d'Ingénierie",
    domain: "sgi-ingenierie.fr",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "400",
    country: "France",
  }).id;
}

/**
 * Camille Lefèvre, marketing director at Société Générale d'Ingénierie (a mixed-case email, an accent),
 * associated with the company: France routes her to the EMEA rep. Returns her contact id.
 */
export function seedCamille(loop: Pick<LoopHarness, "hubspot">): string {
  const company = seedSgiCompany(loop);
  const camille = loop.hubspot.data.createObject("contacts", {
    email: "Camille.Lefevre@SGI-Ingenierie.fr",
    firstname: "Camille",
    lastname: "Lefèvre",
    jobtitle: "Directrice Marketing",
    company: "Société Générale d'Ingénierie",
    country: "France",
  });
  loop.hubspot.data.associate("contacts", camille.id, "companies", company);
  return camille.id;
}

/**
 * Anaïs synced as a contact, then, a minute on the loop's clock later, her pricing visit and demo request:
 * the next sync (a minute later still) qualifies her and hands her off. Returns her contact id.
 */
export async function anaisAboutToQualify(loop: Pick<LoopHarness, "hubspot">, sync: () => Promise<unknown>, clock: { t: number }): Promise<string> {
  const personId = seedAnais(loop); // France: the EMEA queue, Hélène
  await sync();
  clock.t += 60_000;
  pricingAndDemo(loop, personId);
  clock.t += 60_000;
  return personId;
}

/** A visit to the pricing page and a demo request: the behaviour that makes a well-fitting person an MQL. */
export function pricingAndDemo(loop: Pick<LoopHarness, "hubspot">, contactId: string): void {
  recordActivity(loop.hubspot.data, {
    contactId,
    kind: "pageView",
    properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" },
  });
  recordActivity(loop.hubspot.data, {
    contactId,
    kind: "formSubmission",
    properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
  });
}

/**
 * With HubSpot as the CRM, the rep accepts the contact (lead status OPEN_DEAL) and opens a deal for it,
 * associated with it: the conversion the next run follows. Returns the deal's id.
 */
export function acceptWithDeal(loop: Pick<LoopHarness, "hubspot">, contactId: string, dealname: string, amount: string): string {
  loop.hubspot.data.updateObject("contacts", contactId, { hs_lead_status: "OPEN_DEAL" });
  const deal = loop.hubspot.data.createObject("deals", { dealname, dealstage: "presentationscheduled", amount, pipeline: "default" });
  loop.hubspot.data.associate("deals", deal.id, "contacts", contactId);
  return deal.id;
}

const PEOPLE_FIRST_NAMES = ["Zoé", "André", "Łucja", "Mårten", "Chloé", "José", "Renée", "Søren", "Ana", "Jürgen"];

/**
 * `count` HubSpot companies (`coop-<i>.fr`), each with one person the org already has as a Lead: not a
 * prospect the qualification takes (no title, no behaviour), so the contact pair links the person, which
 * brings the company in (inclusion.ts). `withCompany` runs after each company is made (to give the org an
 * Account for it, say). Returns the companies' ids in order.
 */
export function seedPeopleBringingCompanies(
  loop: Pick<LoopHarness, "hubspot" | "salesforce">,
  count: number,
  withCompany?: (i: number, companyId: string, domain: string) => void,
): string[] {
  const hs = loop.hubspot.data;
  const companyIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = PEOPLE_FIRST_NAMES[i % PEOPLE_FIRST_NAMES.length]!;
    const plain = first.normalize("NFD").replace(/[^\x20-\x7e]/g, "").toLowerCase();
    const domain = `coop-${i}.fr`;
    const company = hs.createObject("companies", { name: `Coopérative d'Île-de-France n°${i}`, domain });
    companyIds.push(company.id);
    withCompany?.(i, company.id, domain);
    const person = hs.createObject("contacts", {
      email: `${plain}.n${i}@${domain}`,
      firstname: i % 7 === 0 ? first.toUpperCase() : first,
      lastname: `Núñez-O'Brien ${i}`,
      jobtitle: "",
    });
    hs.associate("contacts", person.id, "companies", company.id);
    loop.salesforce.data.insert("Lead", {
      FirstName: first,
      LastName: `Núñez-O'Brien ${i}`,
      Company: `Coopérative n°${i}`,
      Email: `${plain}.N${i}@${domain.toUpperCase()}`,
      Status: "Working - Contacted",
    });
  }
  return companyIds;
}

/** A config file for the CLI on the loop's emulators and store, with TEST_ROUTING, beside the store: its path. */
export function loopConfig(loop: LoopHarness, crm: "salesforce" | "hubspot"): string {
  const configPath = join(dirname(loop.storePath), "leadloop.yaml");
  writeSandboxConfig(configPath, TEST_ROUTING, {
    hubspot: { url: loop.hubspot.url, accessToken: loop.hubspot.accessToken },
    salesforce: loop.salesforce,
    storePath: loop.storePath,
    crm,
  });
  return configPath;
}

/** Whom `leadloop hot --json` lists on the loop's store (the CLI on `now`'s clock), lower-cased. */
export async function hotEmails(loop: LoopHarness, crm: "salesforce" | "hubspot", now: () => Date): Promise<string[]> {
  const hot = await runCli(["--config", loopConfig(loop, crm), "hot", "--json"], {}, undefined, { now });
  if (hot.code !== 0) throw new Error(`leadloop hot exited ${hot.code}: ${hot.stderr}`);
  return (JSON.parse(hot.stdout) as { email: string | null }[]).map((r) => String(r.email).toLowerCase());
}

/**
 * Her rep's lead status on a person's CRM record, as a rep sets it: her contact's `hs_lead_status` with
 * HubSpot as the CRM, else her Lead's `Status`; stamped `at` (the emulators' clock when not given).
 */
export function repSetsStatus(
  loop: Pick<LoopHarness, "hubspot" | "salesforce">,
  crm: "salesforce" | "hubspot",
  personId: string,
  status: { hubspot: string; salesforce: string },
  at?: Date,
): void {
  if (crm === "hubspot") loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: status.hubspot }, at);
  else {
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
    loop.salesforce.data.update("Lead", String(lead.Id), { Status: status.salesforce }, at);
  }
}

/**
 * Anaïs (seedAnaisAtOptique) with the reps seeded, handed off on her pricing visit and demo request by the
 * run `sync` makes with the funnel made here, and a second later trashed by her rep: the run after it
 * takes the verdict.
 */
export async function anaisTrashed(
  loop: LoopHarness,
  crm: "salesforce" | "hubspot",
  sync: (funnel: FunnelSetup) => Promise<{ summary: { handoffs: number; dispositions: { trash: number } } }>,
  at?: () => Date,
): Promise<{ funnel: FunnelSetup; anais: string }> {
  seedReps(loop);
  const funnel = funnelFor(loop, crm);
  const anais = seedAnaisAtOptique(loop);
  pricingAndDemo(loop, anais);
  expect((await sync(funnel)).summary.handoffs).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  repSetsStatus(loop, crm, anais, { hubspot: "UNQUALIFIED", salesforce: "Closed - Unqualified" }, at?.());
  expect((await sync(funnel)).summary.dispositions.trash).toBe(1);
  return { funnel, anais };
}

/** The follow-up task's open and done statuses as each CRM words them (Salesforce Task Status, HubSpot hs_task_status). */
export const TASK_STATUS: Record<"salesforce" | "hubspot", { open: string; done: string }> = {
  salesforce: { open: "Not Started", done: "Completed" },
  hubspot: { open: "NOT_STARTED", done: "COMPLETED" },
};

/**
 * The tasks on a person's CRM record as the rep sees them (a Salesforce Lead's or Contact's by WhoId, a
 * HubSpot contact's by association): subject, holder's id and status.
 */
export function tasksOfPerson(
  loop: LoopHarness,
  crm: "salesforce" | "hubspot",
  crmId: string,
  personId: string,
): { subject: string; owner: string; status: string }[] {
  if (crm === "salesforce")
    return loop.salesforce.data
      .list("Task")
      .filter((t) => t.WhoId === crmId)
      .map((t) => ({ subject: String(t.Subject), owner: String(t.OwnerId), status: String(t.Status) }));
  return loop.hubspot.data
    .associationsOf("contacts", personId, "tasks")
    .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
    .map((t) => ({ subject: String(t.hs_task_subject), owner: String(t.hubspot_owner_id), status: String(t.hs_task_status) }));
}

/** leadloop's "New MQL" tasks of the person: holder and status. */
export function followUpTasks(loop: LoopHarness, crm: "salesforce" | "hubspot", crmId: string, personId: string): { ownerId: string; status: string }[] {
  return tasksOfPerson(loop, crm, crmId, personId)
    .filter((t) => t.subject.startsWith("New MQL"))
    .map((t) => ({ ownerId: t.owner, status: t.status }));
}
