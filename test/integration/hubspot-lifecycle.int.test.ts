// HubSpot's lifecycle stage only moves forward through the API: an earlier stage is ignored with a
// success answer unless the property was cleared first in a separate request
// (https://integrate.hubspot.com/t/update-lifecycle-stage-using-api/1333). The emulator must be as strict,
// through the single update, the batch update and the batch upsert, driven by the real client.
import { Client } from "@hubspot/api-client";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";

describe("HubSpot emulator: forward-only lifecycle stage", () => {
  let emulator: HubspotEmulator;
  let hubspot: Client;

  beforeAll(async () => {
    emulator = await startHubspotEmulator({ limits: { burstPer10Seconds: 100_000, searchPerSecond: 1000 } });
    hubspot = new Client({
      accessToken: emulator.accessToken,
      basePath: emulator.url,
      numberOfApiCallRetries: 0,
      limiterOptions: { minTime: 0, maxConcurrent: 20 },
    });
  });

  afterAll(async () => {
    await emulator.close();
  });

  function person(email: string, lifecyclestage: string): string {
    return emulator.data.createObject("contacts", { email, firstname: "Élodie", lifecyclestage }).id;
  }

  const stageOf = (id: string) => emulator.data.getObject("contacts", id)?.properties.lifecyclestage;

  it("ignores a backward move in a single update, answering 200 with the stage kept", async () => {
    const id = person("elodie.fournier@ateliers-lumiere.fr", "marketingqualifiedlead");
    const answer = await hubspot.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: "lead", jobtitle: "Directrice" } });
    expect(answer.properties.lifecyclestage).toBe("marketingqualifiedlead");
    expect(stageOf(id)).toBe("marketingqualifiedlead");
    // The rest of the write is taken.
    expect(emulator.data.getObject("contacts", id)?.properties.jobtitle).toBe("Directrice");
  });

  it("moves forward freely", async () => {
    const id = person("Bjorn.Oskarsson@Nordvik.SE", "lead");
    await hubspot.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: "salesqualifiedlead" } });
    expect(stageOf(id)).toBe("salesqualifiedlead");
  });

  it("takes an earlier stage after a clear in a separate request", async () => {
    const id = person("ines.garcia@soluciones-nube.es", "other");
    await hubspot.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: "" } });
    expect(stageOf(id)).toBeUndefined();
    await hubspot.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: "lead" } });
    expect(stageOf(id)).toBe("lead");
  });

  it("ignores backward moves in batch update and batch upsert too, per input", async () => {
    const back = person("noor.haddad@qamar-analytics.example", "marketingqualifiedlead");
    const ahead = person("lukas.mueller@bergwerk.de", "lead");
    const answer = await hubspot.crm.contacts.batchApi.update({
      inputs: [
        { id: back, properties: { lifecyclestage: "subscriber" } },
        { id: ahead, properties: { lifecyclestage: "opportunity" } },
      ],
    });
    expect(answer.results).toHaveLength(2);
    expect(stageOf(back)).toBe("marketingqualifiedlead");
    expect(stageOf(ahead)).toBe("opportunity");

    await hubspot.crm.contacts.batchApi.upsert({
      inputs: [{ id: "lukas.mueller@bergwerk.de", idProperty: "email", properties: { lifecyclestage: "lead" } }],
    });
    expect(stageOf(ahead)).toBe("opportunity");
  });

  it("lets the people of the sandbox (control routes, the UI) set any stage", async () => {
    const id = person("chloe.dupont@maison-verte.fr", "customer");
    emulator.data.updateObject("contacts", id, { lifecyclestage: "lead" });
    expect(stageOf(id)).toBe("lead");
  });
});
