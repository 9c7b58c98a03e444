// Form submissions below Enterprise, through the CLI against a seeded Professional portal: a person who
// submitted one form since the last run has it told by their own conversion properties, so the run lists
// the portal's forms once and reads no form's submissions; a person with two new submissions sends the run
// to the forms API, which reads again what the properties told and keeps it once; so does a conversion
// named after a form the portal has since renamed.
import { jest } from "@jest/globals";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { FORMS, siteUrl } from "../../src/sandbox/seed/vocab/web.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import type { CachedActivity } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";

// Three whole CLI runs over 200 contacts: a minute or more on a loaded machine.
jest.setTimeout(600_000);

const SUBMISSIONS = "GET /form-integrations/v1/submissions/forms/:formGuid";
const FORMS_LIST = "GET /marketing/v3/forms";
const DAY_MS = 86_400_000;

describe("form submissions told by a Professional portal's contact properties", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 23, now: new Date(), contacts: 200 }), "pro-forms", "salesforce", "professional");
  });
  afterAll(async () => world.close());

  const demo = FORMS.find((f) => f.name === "Request a demo")!;
  const report = FORMS.find((f) => /^Download/.test(f.name))!;
  const submit = (contactId: string, form: typeof demo, at: Date) =>
    recordActivity(world.hubspot.data, {
      contactId,
      kind: "formSubmission",
      occurredAt: at,
      properties: { hs_form_id: form.id, hs_form_type: "HUBSPOT", hs_url: siteUrl(form.pagePath), hs_title: form.pageTitle },
    });

  async function submissionsOf(email: string): Promise<CachedActivity[]> {
    const store = await openSqliteStore(world.storePath);
    try {
      const since = new Date(Date.now() - 400 * DAY_MS).toISOString();
      return (await store.listBehaviour([`email:${email.trim().toLowerCase()}`], since)).filter((a) => a.kind === "form_submission");
    } finally {
      await store.close();
    }
  }

  it("reads no form's submissions for people who submitted one form each, and keeps each submission once when the forms API is read after", async () => {
    expect((await syncWorld(world)).code).toBe(0);
    expect(world.hubspot.calls.byEndpoint()[SUBMISSIONS] ?? 0).toBeGreaterThan(0); // the first load reads the history

    // Three people with e-mail addresses request a demo, one each.
    const people = world.hubspot.data
      .listObjects("contacts")
      .filter((c) => c.properties.email)
      .slice(0, 4);
    const [ana, bruno, chloe, dara] = people as [typeof people[0], typeof people[0], typeof people[0], typeof people[0]];
    const before = new Map<string, number>();
    for (const p of people) before.set(p.id, (await submissionsOf(p.properties.email!)).length);
    const demoAt = new Date(Date.now() - 60_000);
    for (const p of [ana, bruno, chloe]) submit(p.id, demo, demoAt);

    world.hubspot.calls.reset();
    expect((await syncWorld(world)).code).toBe(0);
    const told = world.hubspot.calls.byEndpoint();
    expect(told[SUBMISSIONS] ?? 0).toBe(0);
    expect(told[FORMS_LIST]).toBe(1);
    for (const p of [ana, bruno, chloe]) {
      const held = await submissionsOf(p.properties.email!);
      expect(held).toHaveLength(before.get(p.id)! + 1);
      const added = held.find((a) => a.occurredAt === demoAt.toISOString())!;
      expect(added.source).toBe("properties");
      expect(added.properties).toEqual({ hs_form_id: demo.id, hs_form_name: "Request a demo" });
    }

    // Dara submits two forms: her properties tell only the latest, so the forms API is read, from before
    // the others' demo requests; they are not kept a second time.
    submit(dara.id, report, new Date(Date.now() - 30_000));
    submit(dara.id, demo, new Date(Date.now() - 20_000));
    world.hubspot.calls.reset();
    expect((await syncWorld(world)).code).toBe(0);
    expect(world.hubspot.calls.byEndpoint()[SUBMISSIONS] ?? 0).toBeGreaterThan(0);
    expect(await submissionsOf(dara.properties.email!)).toHaveLength(before.get(dara.id)! + 2);
    for (const p of [ana, bruno, chloe]) {
      const held = await submissionsOf(p.properties.email!);
      expect(held).toHaveLength(before.get(p.id)! + 1);
      expect(held.filter((a) => Date.parse(a.occurredAt) === demoAt.getTime())).toHaveLength(1);
    }

    // Ana requests a demo again, then a marketer renames the form: her conversion keeps the old name,
    // which no form of the portal has now, so the run reads the forms API for her submission.
    const againAt = new Date(Date.now() - 10_000);
    submit(ana.id, demo, againAt);
    world.hubspot.data.forms.get(demo.id)!.name = "Demo request — Q1 campaign";
    world.hubspot.calls.reset();
    expect((await syncWorld(world)).code).toBe(0);
    expect(world.hubspot.calls.byEndpoint()[SUBMISSIONS] ?? 0).toBeGreaterThan(0);
    const anas = await submissionsOf(ana.properties.email!);
    expect(anas).toHaveLength(before.get(ana.id)! + 2);
    expect(anas.find((a) => a.occurredAt === againAt.toISOString())?.source).toBe("forms");
  });
});
