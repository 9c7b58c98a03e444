// A Salesforce record's SystemModstamp is taken when its transaction starts, and the record shows only when
// the transaction commits: a flow, a bulk job or an import that stays open longer than leadloop's look-back
// (5 minutes) commits records stamped before a run that has already passed them. getUpdated's
// latestDateCovered is "the start time of that long-running transaction until it completes" (SOAP API
// Developer Guide, "GetUpdatedResult"), and the change cursor holds there (ARCHITECTURE.md, cursors).
import { funnelFor, startAnaisLoop } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";
import { contactMappings } from "../support/test-mappings.js";

const MINUTE = 60_000;

describe("Salesforce changes made in a transaction open longer than the look-back", () => {
  let loop: LoopHarness;
  let t = Date.parse("2026-03-02T09:00:00.000Z");
  const now = () => new Date(t);

  beforeEach(async () => {
    loop = await startLoop({ mappings: contactMappings(), now });
    loop.salesforce.data.insert("Lead", {
      FirstName: "Søren",
      LastName: "Kierkegaard",
      Company: "Øresund Logistik",
      Email: "Soren.K@Oresund.dk",
    });
  });
  afterEach(async () => {
    await loop.close();
  });

  const contact = (email: string) => loop.hubspot.data.listObjects("contacts").find((c) => c.properties.email === email);
  const firstLoad = async () => {
    t += MINUTE;
    expect((await loop.sync()).summary.created).toEqual({ hubspot: 1, salesforce: 0 });
  };

  it("a Lead an import creates is read by the run after it commits, and written once", async () => {
    await firstLoad();
    t += 10 * MINUTE;
    const nightlyImport = loop.salesforce.data.beginTransaction();
    // Two runs while it stays open, the second well past the look-back of the transaction's start.
    for (const gap of [6 * MINUTE, 6 * MINUTE]) {
      t += gap;
      expect((await loop.sync()).summary.status).toBe("succeeded");
    }
    nightlyImport.commit(() => {
      loop.salesforce.data.insert(
        "Lead",
        {
          FirstName: "Zoë",
          LastName: "Ångström-Nguyễn",
          Company: "Kraków Logistics sp. z o.o.",
          Email: "Zoe.Angstrom@Krakow-Logistics.PL",
          Title: "Responsable des achats et de la logistique internationale pour l'Europe centrale",
        },
        nightlyImport.startedAt,
      );
    });
    t += MINUTE;
    const after = await loop.sync();
    expect(after.summary.status).toBe("succeeded");
    expect(after.summary.created).toEqual({ hubspot: 1, salesforce: 0 });
    expect(contact("zoe.angstrom@krakow-logistics.pl")?.properties).toMatchObject({
      firstname: "Zoë",
      jobtitle: "Responsable des achats et de la logistique internationale pour l'Europe centrale",
    });
    // Read up to the coverage again only while the transaction was open: the cursor moves on now.
    t += 10 * MINUTE;
    const quiet = await loop.sync();
    expect(quiet.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(quiet.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it("an edit a flow makes to a synced Lead reaches the contact once the flow commits", async () => {
    await firstLoad();
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    t += 10 * MINUTE;
    const flow = loop.salesforce.data.beginTransaction();
    t += 8 * MINUTE;
    expect((await loop.sync()).summary.status).toBe("succeeded");
    flow.commit(() => loop.salesforce.data.update("Lead", lead, { Title: "Directeur général adjoint" }, flow.startedAt));
    t += MINUTE;
    expect((await loop.sync()).summary.updated).toEqual({ hubspot: 1, salesforce: 0 });
    expect(contact("soren.k@oresund.dk")?.properties.jobtitle).toBe("Directeur général adjoint");
  });

  // The first load reads every Lead up to its signpost: one the import stamped before it and commits
  // after is read by the next run all the same.
  it("a Lead an import open during the first load creates is read by the next run", async () => {
    t += 10 * MINUTE;
    const bulkJob = loop.salesforce.data.beginTransaction();
    t += 7 * MINUTE;
    await firstLoad();
    bulkJob.commit(() => {
      loop.salesforce.data.insert(
        "Lead",
        { FirstName: "Ana", LastName: "da Conceição", Company: "Tecelagem Guimarães", Email: "ANA.CONCEICAO@tecelagem-guimaraes.pt" },
        bulkJob.startedAt,
      );
    });
    t += 20 * MINUTE;
    expect((await loop.sync()).summary.created).toEqual({ hubspot: 1, salesforce: 0 });
    expect(contact("ana.conceicao@tecelagem-guimaraes.pt")?.properties.lastname).toBe("da Conceição");
  });
});

// With the funnel, the conversions read the Leads first and keep their pages for the Lead pair's read of
// the same window (ARCHITECTURE.md "One run", kept reads): the pair, taking those pages, holds at the
// coverage the conversions' read was told.
it("with the funnel, Salesforce as the CRM: a flow's edit of a handed-off Lead reaches her contact once the flow commits", async () => {
  const { now, later } = movingClock();
  const { loop, personId } = await startAnaisLoop(now);
  const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
  try {
    later();
    expect((await sync()).summary.handoffs).toBe(1);
    const lead = String(loop.salesforce.data.list("Lead")[0]!.Id);
    later(10 * MINUTE);
    const flow = loop.salesforce.data.beginTransaction();
    later(8 * MINUTE);
    expect((await sync()).summary.status).toBe("succeeded");
    flow.commit(() => loop.salesforce.data.update("Lead", lead, { Title: "Directrice des achats (Europe du Sud)" }, flow.startedAt));
    later();
    expect((await sync()).summary.status).toBe("succeeded");
    expect(loop.hubspot.data.getObject("contacts", personId)?.properties.jobtitle).toBe("Directrice des achats (Europe du Sud)");
  } finally {
    await loop.close();
  }
});
