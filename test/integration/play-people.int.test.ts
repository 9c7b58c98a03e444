// The sandbox's story on the default seed, against the emulators: seeded behaviour carries HubSpot's event
// property names, so every seeded demo request reaches the demo-request rule; and over six runs with
// people acting between them (playPeople), reps work every handed-off lead in each CRM mode and every
// kind of verdict, logged call and email, and won and lost opportunity happens at least once.
import { parseRouting } from "../../src/config/routing-file.js";
import { scorePerson } from "../../src/core/scoring/score.js";
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { emptyRound, type PeopleRound, playPeople } from "../../src/sandbox/play-people.js";
import { sandboxRoutingText } from "../../src/sandbox/sandbox-routing.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { DEMO_FORM } from "../../src/sandbox/seed/vocab/web.js";
import { funnelFor } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const SEED = 42;
const CONTACTS = 200;

describe("sandbox people on the default seed", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("seeds demo requests that score through HubSpot's events API as demo requests", async () => {
    const seed = generateSeed({ seed: SEED, now: new Date(), contacts: CONTACTS });
    const { ids } = loadSeed(seed, { hubspot: loop.hubspot, salesforce: loop.salesforce });
    const requesters = [
      ...new Set(
        seed.activities
          .filter((a) => a.kind === "form_submission" && a.properties.hs_form_id === DEMO_FORM.id)
          .map((a) => ids.contacts.get(a.contactKey)!),
      ),
    ];
    expect(requesters.length).toBeGreaterThanOrEqual(10);
    const funnel = funnelFor(loop, "salesforce");
    const activities = await loop.hubspotAdapter.readActivities(requesters, null);
    for (const id of requesters) {
      const contact = loop.hubspot.data.getObject("contacts", id)!;
      const score = scorePerson(
        {
          person: contact.properties,
          activities: activities.filter((a) => a.contactId === id),
          isCustomer: false,
          now: new Date(),
        },
        funnel.qualification,
      );
      expect(score.reasons.map((r) => r.ruleId)).toEqual(expect.arrayContaining(["demo-request"]));
    }
  });

  it("plays the same round the same way for the same seed", async () => {
    const now = new Date("2026-11-30T15:00:00.000Z");
    const seed = generateSeed({ seed: SEED, now, contacts: CONTACTS });
    const other = await startHubspotEmulator();
    try {
      loadSeed(seed, { hubspot: loop.hubspot });
      loadSeed(seed, { hubspot: other });
      const first = playPeople(SEED, 3, { hubspot: loop.hubspot }, now);
      const second = playPeople(SEED, 3, { hubspot: other }, now);
      expect(second).toEqual(first);
      expect(first.demoRequests).toBeGreaterThan(0);
      const lastEvents = (e: typeof other) =>
        e.data.listEvents().filter((ev) => ev.occurredAt.getTime() > now.getTime() - 3_600_000);
      expect(lastEvents(other).map((e) => [e.objectId, e.eventType, e.properties])).toEqual(
        lastEvents(loop.hubspot).map((e) => [e.objectId, e.eventType, e.properties]),
      );
    } finally {
      await other.close();
    }
  });

  it("counts each contact a round changed once, however many things the person did (the soak's changes per run)", () => {
    const now = new Date("2026-11-30T15:00:00.000Z");
    const seed = generateSeed({ seed: SEED, now, contacts: CONTACTS });
    loadSeed(seed, { hubspot: loop.hubspot, salesforce: loop.salesforce });
    const modified = () => new Map(loop.hubspot.data.listObjects("contacts").map((c) => [c.id, c.updatedAt.getTime()]));
    for (let round = 1; round <= 3; round++) {
      const before = modified();
      const played = playPeople(SEED, round, { hubspot: loop.hubspot, salesforce: loop.salesforce }, new Date(now.getTime() + round * 300_000));
      // With Salesforce as the CRM the reps work there: the contacts HubSpot shows changed are the people's.
      const changed = [...modified()].filter(([id, ms]) => before.get(id) !== ms).length;
      expect({ round, contactsChanged: played.contactsChanged }).toEqual({ round, contactsChanged: changed });
      // A prospect who read pricing and asked for a demo is two activities and one changed contact.
      expect(played.contactsChanged).toBeLessThan(played.pageViews + played.forms + played.marketerEdits);
    }
  });

  it("names a converted Lead's Opportunity within Opportunity.Name's 120 characters, however long the company's name", () => {
    // Salesforce takes a Lead's Company up to 255 characters and an Opportunity's Name up to 120. Four
    // handed-off leads, so the reps' verdicts (each kind in turn) convert at least one.
    const company = `The International Association of Independent Régional Distributors, Wholesalers and Importers of Ñandú Feathers`;
    expect(company.length).toBeGreaterThan(120 - " - New Business".length);
    const people = [
      ["Zoë", "Ostrowska", "zoe.ostrowska@ianf.eu"],
      ["Ángel", "Núñez", "angel.nunez@IANF.eu"],
      ["Siobhán", "O'Brien", "siobhan.obrien@ianf.eu"],
      ["Łukasz", "Wójcik", "lukasz.wojcik@ianf.eu"],
    ] as const;
    const leadIds = people.map(([first, last, email], i) => {
      const contact = loop.hubspot.data.createObject("contacts", { email, firstname: first, lastname: last });
      return loop.salesforce.data.insert("Lead", {
        LastName: last,
        FirstName: first,
        Company: `${company} ${"(Europe) ".repeat(i)}`.trim(),
        Email: email,
        Status: "Open - Not Contacted",
        HubSpot_Contact_Id__c: contact.id,
        Leadloop_MQL_Date__c: new Date().toISOString(),
      });
    });
    // A rep calls first, then gives a verdict a round later.
    for (let round = 1; round <= 3; round++) playPeople(SEED, round, { hubspot: loop.hubspot, salesforce: loop.salesforce });
    const converted = leadIds.map((id) => loop.salesforce.data.get("Lead", id)!).filter((l) => l.IsConverted === true);
    expect(converted.length).toBeGreaterThanOrEqual(1);
    for (const lead of converted) {
      const name = String(loop.salesforce.data.get("Opportunity", String(lead.ConvertedOpportunityId))?.Name);
      expect(name.length).toBeLessThanOrEqual(120);
      expect(name).toMatch(/^The International Association of Independent Régional .* - New Business$/);
    }
  });

  it.each(["salesforce", "hubspot"] as const)(
    "in %s, a deactivated rep's leads wait for a manager: the other reps play the round",
    (crm) => {
      // A handed-off lead each for Hélène and for Jonas; then Jonas leaves and an admin deactivates him.
      // HubSpot refuses a call owned by a deactivated user (INVALID_OWNER_ID), which stopped the round
      // half-played; Salesforce a Task given to one (INACTIVE_OWNER_OR_USER), and the rep no longer logs in.
      const reps = [
        { email: "helene.marchal@leadloop-demo.com", firstName: "Hélène", lastName: "Marchal" },
        { email: "Jonas.Weiss@leadloop-demo.com", firstName: "Jonas", lastName: "Weiß" },
      ];
      const people = [
        { email: "ana.lopez@acme-industrie.fr", firstname: "Ana", lastname: "López", company: "Acme Industrie" },
        { email: "Bjorn.Sorensen@Brightwave.io", firstname: "Bjørn", lastname: "Sørensen", company: "Brightwave Analytics" },
      ];
      const mqlDate = new Date().toISOString();
      const leadOf: string[] = [];
      const owners = reps.map((rep) => loop.hubspot.data.addOwner(rep));
      const users = reps.map((rep) =>
        loop.salesforce.data.insert("User", { Username: `${rep.email}.test`, Email: rep.email, FirstName: rep.firstName, LastName: rep.lastName, IsActive: true }),
      );
      people.forEach((person, i) => {
        const contact = loop.hubspot.data.createObject("contacts", {
          ...person,
          hubspot_owner_id: owners[i]!.id,
          hs_lead_status: "NEW",
          leadloop_status: "mql",
          leadloop_mql_date: mqlDate,
        });
        leadOf.push(
          crm === "salesforce"
            ? loop.salesforce.data.insert("Lead", {
                FirstName: person.firstname,
                LastName: person.lastname,
                Company: person.company,
                Email: person.email,
                Status: "Open - Not Contacted",
                OwnerId: users[i],
                HubSpot_Contact_Id__c: contact.id,
                Leadloop_MQL_Date__c: mqlDate,
              })
            : contact.id,
        );
      });
      if (crm === "salesforce") loop.salesforce.data.update("User", users[1]!, { IsActive: false });
      else loop.hubspot.data.deactivateOwner(owners[1]!.id);

      const played = playPeople(SEED, 2, { hubspot: loop.hubspot, salesforce: crm === "salesforce" ? loop.salesforce : undefined });
      const status = (i: number) =>
        crm === "salesforce"
          ? loop.salesforce.data.get("Lead", leadOf[i]!)?.Status
          : loop.hubspot.data.getObject("contacts", leadOf[i]!)?.properties.hs_lead_status;
      expect(played.working).toBe(1);
      expect(status(0)).toBe(crm === "salesforce" ? "Working - Contacted" : "IN_PROGRESS");
      expect(status(1)).toBe(crm === "salesforce" ? "Open - Not Contacted" : "NEW");
    },
  );

  it.each(["salesforce", "hubspot"] as const)(
    "over six runs, reps in %s play every kind and tens of people are handed off",
    async (crm) => {
      const seed = generateSeed({ seed: SEED, now: new Date(), contacts: CONTACTS });
      loadSeed(seed, { hubspot: loop.hubspot, salesforce: crm === "salesforce" ? loop.salesforce : undefined });
      const funnel = { ...funnelFor(loop, crm), routing: parseRouting(sandboxRoutingText(seed), "routing.yaml") };
      const sync = () =>
        loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });

      let handoffs = 0;
      const total = emptyRound();
      for (let run = 1; run <= 6; run++) {
        if (run > 1) {
          await tick();
          const played = playPeople(SEED, run, {
            hubspot: loop.hubspot,
            salesforce: crm === "salesforce" ? loop.salesforce : undefined,
          });
          for (const k of Object.keys(total) as (keyof PeopleRound)[]) total[k] += played[k];
          await tick();
        }
        handoffs += (await sync()).summary.handoffs;
      }

      expect(handoffs).toBeGreaterThanOrEqual(15);
      const kinds: (keyof PeopleRound)[] = [
        "demoRequests",
        "comebacks",
        "working",
        "qualified",
        "recycled",
        "trashed",
        "unreachable",
        "callsLogged",
        "emailsLogged",
        "opportunitiesWon",
        "opportunitiesLost",
      ];
      expect(kinds.filter((k) => total[k] === 0)).toEqual([]);
      // People sales recycled who come back qualify again: their new interest is after the rep's verdict.
      const events = await loop.store.listFunnelEvents({});
      expect(events.filter((e) => e.fromStage === "recycled" && e.toStage === "mql").length).toBeGreaterThanOrEqual(1);

      // What the reps did is in the CRM as a rep would have left it.
      if (crm === "salesforce") {
        const leads = loop.salesforce.data.list("Lead").filter((l) => l.Leadloop_MQL_Date__c);
        const statuses = new Set(leads.map((l) => String(l.Status)));
        for (const s of ["Closed - Converted", "Closed - Not Converted", "Closed - Unqualified", "Closed - Unreachable"])
          expect(statuses).toContain(s);
        const won = loop.salesforce.data
          .list("Opportunity")
          .filter((o) => o.StageName === "Closed Won" && leads.some((l) => l.ConvertedOpportunityId === o.Id));
        expect(won.length).toBe(total.opportunitiesWon);
        for (const o of won) expect(Number(o.Amount)).toBeGreaterThan(0);
        const subtypes = new Set(
          loop.salesforce.data
            .list("Task")
            .filter((t) => !t.Leadloop_Activity_Key__c && t.Status === "Completed")
            .map((t) => String(t.TaskSubtype)),
        );
        expect(subtypes).toEqual(new Set(["Call", "Email"]));
      } else {
        const statuses = new Set(
          loop.hubspot.data.listObjects("contacts").map((c) => c.properties.hs_lead_status ?? ""),
        );
        for (const s of ["IN_PROGRESS", "OPEN_DEAL", "BAD_TIMING", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT"])
          expect(statuses).toContain(s);
        const won = loop.hubspot.data.listObjects("deals").filter((d) => d.properties.dealstage === "closedwon");
        expect(won.length).toBe(total.opportunitiesWon);
        for (const d of won) {
          expect(Number(d.properties.amount)).toBeGreaterThan(0);
          expect(loop.hubspot.data.associationsOf("deals", d.id, "contacts")).toHaveLength(1);
        }
        expect(loop.hubspot.data.listObjects("calls")).toHaveLength(total.callsLogged);
        expect(loop.hubspot.data.listObjects("emails")).toHaveLength(total.emailsLogged);
      }
    },
  );
});
