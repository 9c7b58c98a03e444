// A mapping's `truncate: N` promises a value that fits a Salesforce field of N characters. Salesforce
// counts a character outside the Basic Multilingual Plane (an emoji, a rare kanji) as two, as Java's
// String does ("Surrogate Pair Characters Are Treated as Two Characters", Salesforce Help 005166849),
// so a value cut to N code points could still be refused as STRING_TOO_LONG and wait in the error queue.
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

describe("truncate on a value with emoji", () => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  it("writes a value Salesforce accepts into a 40-character City, cut before the emoji it cannot hold whole", async () => {
    loop = await startLoop();
    const city = "Zürich 🏔️ Altstadt 🏰 Niederdorfs 🍫🍫🍫 Lindenhof";
    const contact = loop.hubspot.data.createObject("contacts", {
      email: "zoe.muller@alpenglow.ch",
      firstname: "Zoë",
      lastname: "Müller",
      company: "Alpenglow AG",
      city,
    });

    const run = await loop.sync();

    expect(run.summary.errors.salesforce).toBe(0);
    const [lead] = loop.salesforce.data.query(
      `SELECT City FROM Lead WHERE HubSpot_Contact_Id__c = '${contact.id}'`,
    ).records;
    const written = String(lead?.City);
    expect(written.length).toBeLessThanOrEqual(40);
    // The longest whole-character prefix that fits: the next character, an emoji, would need two.
    expect(written).toBe("Zürich 🏔️ Altstadt 🏰 Niederdorfs 🍫🍫");
    expect(city.startsWith(written)).toBe(true);
  });
});
