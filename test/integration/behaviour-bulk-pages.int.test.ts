// The bulk behaviour sources below Enterprise (form submissions, marketing email events) hand their
// activities over a page at a time, through the CLI against a seeded Professional portal: a first load
// whose window holds many pages of email events (a list emailed three times a day for ten weeks) caches
// every one of them a page at a time and completes. It used to gather the whole window in one array, which
// the 100k-contact Professional bench (3498487) saw fail with "Maximum call stack size exceeded".
import { jest } from "@jest/globals";
import { CONTACT_EVENT_TYPES } from "../../src/sandbox/hubspot/event-types.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";

// A whole CLI first load of 200 contacts and 42,000 email events: a minute or more on a loaded machine.
jest.setTimeout(900_000);

const EMAIL_EVENTS = "GET /email/public/v1/events";
const DAY_MS = 86_400_000;
const WEEKS = 10;
const SENDS_A_DAY = 3;

describe("a Professional portal's bulk behaviour, a page at a time", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 11, now: new Date(), contacts: 200 }), "pro-pages", "salesforce", "professional");
  });
  afterAll(async () => world.close());

  it("caches every email event of a window of many pages, a page at a time, and completes the first load", async () => {
    const now = Date.now();
    const contacts = world.hubspot.data.listObjects("contacts");
    let added = 0;
    for (const [i, contact] of contacts.entries()) {
      for (let day = 1; day <= WEEKS * 7; day++) {
        for (let send = 0; send < SENDS_A_DAY; send++) {
          world.hubspot.data.addEvent({
            contactId: contact.id,
            eventType: CONTACT_EVENT_TYPES.emailOpen,
            // Spread over the day, and a little per person, so the events are not all at one instant.
            occurredAt: new Date(now - day * DAY_MS + send * 4 * 3_600_000 + i * 1_000),
            properties: { hs_email_campaign_id: String(9_000 + day * SENDS_A_DAY + send) },
          });
          added++;
        }
      }
    }
    expect(added).toBeGreaterThan(40_000);

    const run = await syncWorld(world);
    expect(run.stderr).not.toContain("Maximum call stack size exceeded");
    expect(run.code).toBe(0);
    // Read 1,000 events a call, for opens and for clicks.
    expect(world.hubspot.calls.byEndpoint()[EMAIL_EVENTS] ?? 0).toBeGreaterThanOrEqual(Math.ceil(added / 1000));

    // Every open of a person is in the behaviour cache, owned by their email address.
    const store = await openSqliteStore(world.storePath);
    try {
      for (const contact of [contacts[0]!, contacts[contacts.length - 1]!]) {
        const email = contact.properties.email!.trim().toLowerCase();
        const cached = await store.listBehaviour([`email:${email}`], new Date(now - (WEEKS * 7 + 1) * DAY_MS).toISOString());
        const opens = cached.filter((a) => a.kind === "email_open" && a.source === "email");
        expect(opens.length).toBeGreaterThanOrEqual(WEEKS * 7 * SENDS_A_DAY);
      }
    } finally {
      await store.close();
    }
  });
});
