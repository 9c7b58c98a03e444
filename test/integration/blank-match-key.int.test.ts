// The email both sides are matched by is the person's identity: in HubSpot the contact's key (forms and
// imports find the contact by it, marketing email goes to it). A rep who clears a Lead's Email does not
// clear the contact's, nor a marketer who clears a contact's email the Lead's; a new address on either
// side still travels.
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

describe("a blanked match key", () => {
  let loop: LoopHarness;
  const { now, later } = movingClock();
  afterEach(async () => {
    await loop.close();
  });

  it("is not written over the other side's email, and a new address after it travels as before", async () => {
    loop = await startLoop({ now });
    const contact = loop.hubspot.data.createObject("contacts", {
      email: "margot.lefebvre@atelier-lumiere.fr",
      firstname: "Margot",
      lastname: "Lefebvre",
      company: "Atelier Lumière",
      jobtitle: "Responsable marketing",
    });
    later();
    expect((await loop.sync()).summary.created.salesforce).toBe(1);
    const leadId = String(loop.salesforce.data.list("Lead")[0]!.Id);
    later();

    // The rep clears the Email while fixing the title.
    loop.salesforce.data.update("Lead", leadId, { Email: null, Title: "Directrice marketing" }, now());
    later();
    const run = await loop.sync();

    expect(run.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    expect(loop.hubspot.data.getObject("contacts", contact.id)?.properties).toMatchObject({
      email: "margot.lefebvre@atelier-lumiere.fr",
      jobtitle: "Directrice marketing",
    });
    later();

    // Later the rep types her new address: it reaches the contact.
    loop.salesforce.data.update("Lead", leadId, { Email: "margot@atelier-lumiere.fr" }, now());
    later();
    await loop.sync();
    expect(loop.hubspot.data.getObject("contacts", contact.id)?.properties.email).toBe("margot@atelier-lumiere.fr");
    later();

    // The other way round: a marketer clears the contact's email; the Lead keeps the address.
    loop.hubspot.data.updateObject("contacts", contact.id, { email: "" }, now());
    later();
    await loop.sync();
    expect(loop.salesforce.data.get("Lead", leadId)?.Email).toBe("margot@atelier-lumiere.fr");
  });
});
