// Behaviour on an Enterprise portal that refuses the events API's read of every contact (a read without
// `objectId`, which HubSpot's OpenAPI spec requires where its guide does not), through the CLI against
// seeded emulators: leadloop reads each contact whose behaviour signals moved one by one, qualifies the
// same people with the same reasons as on a portal that answers the bulk read, keeps an incremental run's
// behaviour reads at most one per 100 changed contacts, and asks the refused read at most once.
import { jest } from "@jest/globals";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import type { HubspotData } from "../../src/sandbox/hubspot/hubspot-data.js";
import { playPeople } from "../../src/sandbox/play-people.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { behaviourReads } from "../support/behaviour-reads.js";
import { mqlEmails, openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";
import { readFileSync, writeFileSync } from "node:fs";

// Whole CLI runs over seeded worlds of 1,000 contacts: minutes on a loaded machine, not seconds.
jest.setTimeout(900_000);

const EVENTS = "/events/v3/events";

/**
 * Each contact's score and reasons as leadloop left them on HubSpot, by email. The two worlds run minutes
 * apart on the real clock, so a behaviour signal's decayed points (one decimal: "+13.7", a score of 84.7)
 * may differ by a tenth between them: those are compared to the point, the rest as written.
 */
function qualificationByEmail(world: SandboxWorld): Map<string, string> {
  const toThePoint = (text: string) => text.replace(/\b(\d+)\.\d\b/g, (_, whole: string) => `${whole}.x`);
  const out = new Map<string, string>();
  for (const c of world.hubspot.data.listObjects("contacts")) {
    const p = c.properties;
    out.set((p.email ?? c.id).toLowerCase(), toThePoint(`${p.leadloop_score ?? ""} | ${p.leadloop_reasons ?? ""}`));
  }
  return out;
}

/** Reads of the events API this world's HubSpot answered that named no record, while `body` runs. */
async function readsNamingNoRecord(world: SandboxWorld, body: () => Promise<void>): Promise<number> {
  let count = 0;
  const stop = world.hubspot.calls.observe((call) => {
    if (call.path.replace(/\/$/, "") === EVENTS && !call.query.get("objectId")) count++;
  });
  try {
    await body();
  } finally {
    stop();
  }
  return count;
}

/**
 * Five people act as the shipped rules score it, the same on any portal seeded alike: two pricing visits,
 * a demo request, a call to action, an email click, three pages in a morning. Each is one contact whose
 * behaviour signals move; the marketer's edit of everyone moves none.
 */
function fivePeopleAct(data: HubspotData, now: Date): number {
  const byEmail = [...data.listObjects("contacts")].sort((a, b) => (a.properties.email ?? "").localeCompare(b.properties.email ?? ""));
  const [zoe, olafur, helene, bjorn, anais] = [3, 101, 257, 509, 777].map((i) => byEmail[i]!.id);
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const site = "https://www.example-saas.com";
  for (const [minutes, path, title] of [
    [50, "/pricing", "Préços & plans — Enterprise"],
    [20, "/pricing/enterprise", "Pricing: Enterprise (annual, €)"],
  ] as const)
    recordActivity(data, { contactId: zoe!, kind: "pageView", occurredAt: ago(minutes), properties: { hs_url: site + path, hs_url_path: path, hs_title: title } });
  recordActivity(data, {
    contactId: olafur!,
    kind: "formSubmission",
    occurredAt: ago(30),
    properties: { hs_form_type: "HUBSPOT", hs_url: `${site}/demo`, hs_title: "Request a Demo — Réservez votre démo" },
  });
  recordActivity(data, { contactId: helene!, kind: "ctaClick", occurredAt: ago(25), properties: { hs_element_text: "Parler à un expert", hs_url: `${site}/produit` } });
  recordActivity(data, {
    contactId: bjorn!,
    kind: "emailClick",
    occurredAt: ago(15),
    properties: { hs_email_campaign_id: "9001", hs_email_campaign_name: "Nyhetsbrev — December", hs_email_subject: "Nya funktioner", hs_link_href: `${site}/blog/ÅÄÖ` },
  });
  for (const [minutes, path] of [[40, "/"], [35, "/produit"], [30, "/clients/témoignages"]] as const)
    recordActivity(data, { contactId: anais!, kind: "pageView", occurredAt: ago(minutes), properties: { hs_url: site + path, hs_url_path: path, hs_title: `Société — ${path}` } });
  return 5;
}

describe("an Enterprise portal that refuses the events API's read of every contact", () => {
  const seed = generateSeed({ seed: 7, now: new Date(), contacts: 1000 });
  let lenient: SandboxWorld;
  let strict: SandboxWorld;

  beforeAll(async () => {
    lenient = await openSandboxWorld(seed, "events-listed", "salesforce", "enterprise");
    strict = await openSandboxWorld(seed, "events-per-contact", "salesforce", "enterprise", "required");
  });
  afterAll(async () => {
    await lenient.close();
    await strict.close();
  });

  it("qualifies the same people with the same reasons, a first load and an incremental run, reading each changed contact", async () => {
    const contacts = strict.hubspot.data.listObjects("contacts").length;
    expect((await syncWorld(lenient)).code).toBe(0);
    let first!: Awaited<ReturnType<typeof syncWorld>>;
    const refused = await readsNamingNoRecord(strict, async () => {
      first = await syncWorld(strict);
    });
    // Old code: the probe itself named no record, the portal refused it, and the run failed.
    expect(first.code).toBe(0);
    expect(refused).toBe(1); // the one probe: no bulk read is asked of a portal that refused it
    // A first load reads each contact with behaviour once (every seeded one has some), beside the probe.
    expect(strict.hubspot.calls.byEndpoint()["GET /events/v3/events"]).toBe(contacts + 1);
    expect(first.stderr).toContain("one contact at a time, as the portal refuses a read of every contact's events without objectId");
    expect(first.stderr.match(/behaviour\.events_bulk_refused/g)).toHaveLength(1); // said when learnt
    const mqls = await mqlEmails(lenient);
    expect(mqls.length).toBeGreaterThanOrEqual(3);
    expect(await mqlEmails(strict)).toEqual(mqls);
    expect(qualificationByEmail(strict)).toEqual(qualificationByEmail(lenient));
    expect([...qualificationByEmail(strict).values()].some((q) => q.includes("Clicked a call to action"))).toBe(true);

    // A marketer edits every contact (accents and mixed case in the title), and five people act.
    const now = new Date();
    let acted = 0;
    for (const world of [lenient, strict]) {
      for (const c of world.hubspot.data.listObjects("contacts"))
        world.hubspot.data.updateObject("contacts", c.id, { jobtitle: `Responsable Marché ${c.properties.jobtitle ?? "Équipe"}` });
      acted = fivePeopleAct(world.hubspot.data, now);
    }
    expect((await syncWorld(lenient)).code).toBe(0);
    strict.hubspot.calls.reset();
    let next!: Awaited<ReturnType<typeof syncWorld>>;
    const refusedAgain = await readsNamingNoRecord(strict, async () => {
      next = await syncWorld(strict);
    });
    expect(next.code).toBe(0);
    expect(refusedAgain).toBe(0); // the store kept the probe's answer
    expect(next.stderr).not.toContain("behaviour.events_bulk_refused");
    // One read per contact whose behaviour moved, none for the marketer's edit: 5 of 1,000 changed contacts.
    expect(behaviourReads(strict)).toBe(acted);
    expect(behaviourReads(strict) / contacts).toBeLessThanOrEqual(1 / 100);
    expect(await mqlEmails(strict)).toEqual(await mqlEmails(lenient));
    expect(qualificationByEmail(strict)).toEqual(qualificationByEmail(lenient));

    // People act as the sandbox plays them (16 of them this round): still the same people and reasons, at
    // a read per contact who acted where the portal that lists every contact's events reads them at once.
    let played = 0;
    for (const world of [lenient, strict]) played = playPeople(7, 2, world, new Date()).contactsChanged;
    expect((await syncWorld(lenient)).code).toBe(0);
    strict.hubspot.calls.reset();
    expect((await syncWorld(strict)).code).toBe(0);
    expect(behaviourReads(strict)).toBeLessThanOrEqual(played);
    expect(await mqlEmails(strict)).toEqual(await mqlEmails(lenient));
    expect((await mqlEmails(strict)).length).toBeGreaterThan(mqls.length);
    expect(qualificationByEmail(strict)).toEqual(qualificationByEmail(lenient));
  });

  it("says at validate --live that the portal answers the events API one contact at a time", async () => {
    const text = await runCli(["validate", "--live", "-c", strict.configPath]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "offers the events API (Enterprise) for one contact at a time: it refuses a read of every contact's events without objectId (400 VALIDATION_ERROR)",
    );
    const json = await runCli(["validate", "--live", "--json", "-c", strict.configPath]);
    expect(JSON.parse(json.stdout).behaviour).toEqual({ portal: "events-per-contact", setting: "auto", uses: "events-per-contact" });
  });
});

describe("hubspot.behaviourSource: events on a portal that refuses the read of every contact", () => {
  let strict: SandboxWorld;
  beforeAll(async () => {
    strict = await openSandboxWorld(generateSeed({ seed: 12, now: new Date(), contacts: 200 }), "events-told", "salesforce", "enterprise", "required");
    const text = readFileSync(strict.configPath, "utf8");
    writeFileSync(strict.configPath, text.replace(/hubspot:\n/, "hubspot:\n  behaviourSource: events\n"));
  });
  afterAll(async () => strict.close());

  it("meets the refusal once, says so with one warning, reads per contact, and never asks again", async () => {
    let first!: Awaited<ReturnType<typeof syncWorld>>;
    const refused = await readsNamingNoRecord(strict, async () => {
      first = await syncWorld(strict);
    });
    // Old code: the first load's bulk read was refused and the run failed.
    expect(first.code).toBe(0);
    expect(refused).toBe(1); // the first load's bulk read, refused; no probe under `events`
    expect(first.stderr.match(/behaviour\.events_bulk_refused/g)).toHaveLength(1);
    expect(first.stderr).toContain("objectId is required when no objectProperty is given");
    expect((await mqlEmails(strict)).length).toBeGreaterThan(0);

    playPeople(12, 2, strict, new Date());
    let next!: Awaited<ReturnType<typeof syncWorld>>;
    const refusedAgain = await readsNamingNoRecord(strict, async () => {
      next = await syncWorld(strict);
    });
    expect(next.code).toBe(0);
    expect(refusedAgain).toBe(0);
    expect(next.stderr).not.toContain("behaviour.events_bulk_refused");
  });
});
