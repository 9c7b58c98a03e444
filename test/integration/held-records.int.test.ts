// What a record read from a system costs to hold: a run holds its contacts as read (up to 10,000, the
// qualification's PEOPLE_HELD), so a record's values are kept in V8's compact object form, not as the
// hash table an object of dozens of properties set one by one under computed names becomes
// (core/records.ts `unsetValues`). Measured in a node process of its own over the built adapters' value
// conversions (`npm run build` first), with a full collection before each reading of the heap.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

// 20,000 contacts of 47 properties each (a few set, as a first load's are: names with accents, a blank,
// a long value), converted as a page read converts them, and the heap they hold after a full collection.
const HOLD = `
  const { fromHubspotObject } = await import(${JSON.stringify(`${DIST}systems/hubspot/values.js`)});
  const { fromSalesforceRecord } = await import(${JSON.stringify(`${DIST}systems/salesforce/values.js`)});
  const fields = ["email", "firstname", "lastname", "jobtitle", "company", "phone", "city", "country"];
  for (let i = fields.length; i < 47; i++) fields.push("leadloop_field_" + i);
  const N = 20000;
  const longValue = "Chargée d'affaires — " + "é".repeat(300);
  function held(convert) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const records = [];
    for (let i = 0; i < N; i++) records.push(convert(i));
    gc();
    const bytes = (process.memoryUsage().heapUsed - before) / N;
    if (records.length !== N) process.exit(3);
    return Math.round(bytes);
  }
  const hubspot = held((i) =>
    fromHubspotObject("contacts", {
      id: String(40000 + i),
      properties: { email: "zoe.muller" + i + "@exemple.de", firstname: "Zoë", lastname: "Müller", jobtitle: longValue, company: " ", lastmodifieddate: "2026-11-30T17:45:12.345Z" },
    }, fields),
  );
  const salesforce = held((i) =>
    fromSalesforceRecord("Lead", { Id: "00Q5g00000Ab" + i, Email: "jose.nunez" + i + "@exemple.es", FirstName: "José", LastName: "Núñez", Title: longValue, SystemModstamp: "2026-11-30T17:45:12.000+0000" }, fields),
  );
  console.log(JSON.stringify({ hubspot, salesforce }));
`;

/** The child runs for seconds on a busy machine; a jest timeout, not a limit the test asserts. */
const CHILD_TIMEOUT_MS = 120_000;

describe("records read from a system, as a run holds them", () => {
  it("take under 1 KB each with 47 fields, from HubSpot and from Salesforce", () => {
    const child = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", HOLD], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const bytes = JSON.parse(child.stdout.trim()) as { hubspot: number; salesforce: number };
    // The bytes per record named beside the verdict, so a failure shows which system's records grew.
    expect({ ...bytes, ok: bytes.hubspot < 1024 && bytes.salesforce < 1024 }).toEqual({ ...bytes, ok: true });
  }, CHILD_TIMEOUT_MS);
});
