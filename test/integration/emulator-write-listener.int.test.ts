// The emulators tell a listener of each data write before answering it, and only of writes: reads sent
// by POST (search, batch read, Collections retrieve, the token endpoint) and control routes are not.
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";

async function call(url: string, method: string, token: string, body?: unknown): Promise<number> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await res.text();
  return res.status;
}

describe("emulator write listener", () => {
  it("HubSpot: counts creates and updates, not searches, batch reads or control routes", async () => {
    const hs = await startHubspotEmulator();
    const writes: string[] = [];
    hs.onWrite(({ endpoint }) => {
      writes.push(endpoint);
    });
    try {
      const t = hs.accessToken;
      const base = `${hs.url}/crm/v3/objects/contacts`;
      await call(base, "POST", t, { properties: { email: "marta.nowak@vistula-logistics.pl" } });
      const id = hs.data.listObjects("contacts")[0]!.id;
      await call(`${base}/batch/update`, "POST", t, { inputs: [{ id, properties: { firstname: "Marta" } }] });
      await call(`${base}/search`, "POST", t, { filterGroups: [] });
      await call(`${base}/batch/read`, "POST", t, { inputs: [{ id }], properties: ["email"] });
      await call(`${hs.url}/__control/objects/contacts/${id}`, "PATCH", t, { properties: { lastname: "Nowak" } });
      expect(writes).toEqual([
        "POST /crm/v3/objects/:objectType",
        "POST /crm/v3/objects/:objectType/batch/update",
      ]);
    } finally {
      await hs.close();
    }
  });

  it("Salesforce: the answer waits for the listener, which sees the write already made", async () => {
    const sf = await startSalesforceEmulator();
    const seen: number[] = [];
    sf.onWrite(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen.push(sf.data.list("Lead").length);
    });
    try {
      const data = `${sf.url}/services/data/v62.0`;
      const t = sf.accessToken;
      const status = await call(`${data}/sobjects/Lead`, "POST", t, {
        LastName: "Okafor",
        Company: "Lagos Freight Ltd",
        Email: "chidi.okafor@lagosfreight.ng",
      });
      expect(status).toBe(201);
      expect(seen).toEqual([1]);
      const id = String(sf.data.list("Lead")[0]!.Id);
      await call(`${data}/composite/sobjects/Lead`, "POST", t, { ids: [id], fields: ["Email"] });
      await call(`${data}/query?q=${encodeURIComponent("SELECT Id FROM Lead")}`, "GET", t);
      expect(seen).toEqual([1]);
    } finally {
      await sf.close();
    }
  });
});
