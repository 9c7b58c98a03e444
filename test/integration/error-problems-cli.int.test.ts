// What an ops admin sees in `leadloop errors list` when one cause refuses several writes of one person: a
// rep left and Salesforce refuses every update of the converted Contact and the follow-up task she owns
// (INACTIVE_OWNER_OR_USER). The queue keeps an entry per refused write, each resolved by its own write;
// the list shows them as one problem naming the record, the person, the cause, the writes waiting on it
// and one command for them all, and two causes on one record stay two lines. An approval lock, a blocking duplicate rule,
// and with HubSpot as the CRM a portal rule on the lifecycle stage, refuse several writes the same way.
import { loopConfig, pricingAndDemo, REPS, seedAnais, seedReps } from "../support/funnel-harness.js";
import { runCli } from "../support/cli-run.js";
import { deactivatedRepsContact, SECOND_LATER_MS } from "../support/deactivated-rep.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";


interface ListedEntry {
  id: number;
  object: string;
  recordId: string;
  operation: string;
  message: string;
  whatToDo?: string;
  problem?: { entries: number[]; records: string[]; operations: string[]; email: string | null; whatToDo: string };
}

describe("errors list: one line per problem", () => {
  let loop: LoopHarness;
  let config: string;
  beforeEach(async () => {
    loop = await startLoop();
    config = loopConfig(loop, "salesforce");
  });
  afterEach(async () => {
    await loop.close();
  });

  const cli = async (...args: string[]) => runCli([...args, "-c", config]);
  const listed = async () => JSON.parse((await cli("errors", "list", "--json")).stdout) as ListedEntry[];

  /** Anaïs, handed off: her contact id and her Lead's. */
  async function handedOffLead(): Promise<{ personId: string; leadId: string }> {
    seedReps(loop);
    const personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    expect((await cli("sync")).code).toBe(0);
    return { personId, leadId: String(loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!.Id) };
  }

  /** A new title and another pricing visit and demo request: the field sync and the qualification write her Lead, refused. */
  async function retitledAndRescored(personId: string, leadId: string): Promise<ListedEntry[]> {
    await tick(SECOND_LATER_MS);
    loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale — Europe du Sud" });
    pricingAndDemo(loop, personId);
    await tick(SECOND_LATER_MS);
    expect((await cli("sync")).code).toBe(4);
    const entries = await listed();
    expect(entries.map((e) => [e.recordId, e.operation]).sort()).toEqual([
      [leadId, "field sync"],
      [leadId, "qualification"],
    ]);
    return entries;
  }

  it("shows a deactivated rep's converted Contact as one problem, and one retry sends its writes once", async () => {
    const { reps, contactId, taskId } = await deactivatedRepsContact(loop, () => cli("sync"));

    const entries = await listed();
    // Still one entry per refused write, each with its own what-to-do, as before.
    expect(entries.map((e) => [e.object, e.recordId, e.operation]).sort()).toEqual([
      ["Contact", contactId, "field sync"],
      ["Contact", contactId, "qualification"],
      ["Task", taskId, "sla"],
    ]);
    const ids = entries.map((e) => e.id).sort((a, b) => a - b);
    for (const e of entries) {
      expect(e.whatToDo).toContain(`errors retry --id ${e.id}\``);
      expect(e.problem).toEqual({
        entries: ids,
        records: expect.arrayContaining([`Contact ${contactId}`, `Task ${taskId}`]) as unknown as string[],
        operations: expect.arrayContaining(["field sync", "qualification", "sla"]) as unknown as string[],
        email: "anais.berenger@sgo-optique.fr",
        whatToDo: expect.stringContaining(`\`leadloop errors retry ${ids.map((id) => `--id ${id}`).join(" ")}\``) as unknown as string,
      });
    }
    // A listing cut short by --limit still names every write of the problem it shows.
    const first = JSON.parse((await cli("errors", "list", "--limit", "1", "--json")).stdout) as ListedEntry[];
    expect(first.map((e) => [e.id, e.problem?.entries])).toEqual([[ids[0], ids]]);
    const text = (await cli("errors", "list")).stdout;
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${ids.map((id) => `#${id}`).join(" ")} \\[open\\] salesforce `));
    expect(lines[0]).toContain(`Contact ${contactId}`);
    expect(lines[0]).toContain(`Task ${taskId}`);
    expect(lines[0]).toContain("[anais.berenger@sgo-optique.fr]: INACTIVE_OWNER_OR_USER: the record's owner is a deactivated Salesforce user");
    expect(lines[1]).toMatch(/^ {3}waiting on it: 3 writes \(/);
    expect(lines[1]).toMatch(new RegExp(`Contact ${contactId}: (field sync|qualification) \\(#\\d+\\), (field sync|qualification) \\(#\\d+\\)`));
    expect(lines[1]).toMatch(new RegExp(`Task ${taskId}: sla \\(#\\d+\\)`));
    expect(lines[2]).toMatch(/^ {3}what to do: Salesforce keeps the record from these 3 writes \(.*an owner who left\)/);

    // explain lists her open entries as that one problem, said once (the Contact's writes sit under her link,
    // the task's under her), and its field line still points at an entry it names.
    const explained = (await cli("explain", "Anais.Berenger@SGO-Optique.fr")).stdout.split("\n");
    const head = `#${ids.join(" #")} [open] salesforce `;
    expect(explained.filter((l) => l.includes(head))).toHaveLength(1);
    expect(explained.filter((l) => /open error #\d+ \(/.test(l))).toEqual([]);
    const problemAt = explained.findIndex((l) => l.includes(head));
    expect(explained[problemAt]).toContain("INACTIVE_OWNER_OR_USER: the record's owner is a deactivated Salesforce user");
    expect(explained[problemAt + 1]).toMatch(/^ {5}waiting on it: 3 writes \(/);
    expect(explained[problemAt + 2]).toContain(`\`leadloop errors retry ${ids.map((id) => `--id ${id}`).join(" ")}\``);
    const pointer = explained.find((l) => l.startsWith("  jobtitle = "));
    expect(pointer).toMatch(/open error #(\d+) below$/);
    expect(ids).toContain(Number(/#(\d+) below$/.exec(pointer!)![1]));
    const explainedJson = JSON.parse((await cli("explain", "anais.berenger@sgo-optique.fr", "--json")).stdout) as { problems: ListedEntry["problem"][] };
    expect(explainedJson.problems).toEqual([expect.objectContaining({ entries: ids, email: "anais.berenger@sgo-optique.fr" })]);

    // Retried before anything is fixed, the three are refused again and said once, as one problem.
    const early = (await cli("errors", "retry")).stdout.trimEnd().split("\n");
    expect(early[0]).toBe("resolved 0, still failing 3, skipped 0");
    expect(early.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^  ${ids.map((id) => `#${id}`).join(" ")} still failing: INACTIVE_OWNER_OR_USER: .*\\[anais\\.berenger@sgo-optique\\.fr\\]$`)),
      expect.stringContaining(`what to do: Salesforce keeps the record from these 3 writes`),
    ]);

    // The admin gives Hélène's records to Jordan; one retry sends every waiting write, each once.
    const jordan = reps.get(REPS.fallback.email)!.salesforce;
    loop.salesforce.data.update("Contact", contactId, { OwnerId: jordan });
    loop.salesforce.data.update("Task", taskId, { OwnerId: jordan });
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    const retried = await cli("errors", "retry", "--json");
    expect(retried.code).toBe(0);
    expect((JSON.parse(retried.stdout) as { resolved: number[] }).resolved.sort((a, b) => a - b)).toEqual(ids);
    // Three writes, each sent once: the field sync's and the qualification's to the Contact, the task's close.
    expect((JSON.parse(retried.stdout) as { summary: { updated: { salesforce: number } } }).summary.updated.salesforce).toBe(3);
    expect(await listed()).toEqual([]);
    const contact = loop.salesforce.data.get("Contact", contactId)!;
    expect([contact.Title, contact.Leadloop_Score__c]).toEqual(["Directrice Commerciale — Europe du Sud", 85]);
    expect(loop.salesforce.data.get("Task", taskId)?.Status).toBe("Completed");
    writes.length = 0;
    expect((await cli("sync")).code).toBe(0);
    expect(writes).toEqual([]);
    loop.salesforce.onWrite(undefined);
  });

  it("shows a Lead an approval process locked as one problem; once it is unlocked one retry sends its writes", async () => {
    const { personId, leadId } = await handedOffLead();
    loop.salesforce.data.lock("Lead", leadId);
    const entries = await retitledAndRescored(personId, leadId);
    const ids = entries.map((e) => e.id).sort((a, b) => a - b);
    for (const e of entries) expect(e.problem).toMatchObject({ entries: ids, records: [`Lead ${leadId}`] });
    const lines = (await cli("errors", "list")).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`[open] salesforce Lead ${leadId} [anais.berenger@sgo-optique.fr]: ENTITY_IS_LOCKED: the record is locked in Salesforce, by an approval process`);

    loop.salesforce.data.unlock("Lead", leadId);
    const retried = await cli("errors", "retry", "--json");
    expect((JSON.parse(retried.stdout) as { resolved: number[] }).resolved.sort((a, b) => a - b)).toEqual(ids);
    expect(await listed()).toEqual([]);
    expect(loop.salesforce.data.get("Lead", leadId)?.Title).toBe("Directrice Commerciale — Europe du Sud");
  });

  it("keeps two causes on one record two lines", async () => {
    const { personId, leadId } = await handedOffLead();
    // Two validation rules, each refusing a different write of the same Lead.
    loop.salesforce.faults.add({
      records: [
        { object: "Lead", field: "Title", message: "Règle Titre_Validé : un titre doit être validé par le service RH" },
        { object: "Lead", field: "Leadloop_Reasons__c", message: "Rule Scoring_Freeze: scores are frozen during the quarter close" },
      ],
    });
    const entries = await retitledAndRescored(personId, leadId);
    for (const e of entries) expect(e.problem?.entries).toEqual([e.id]);
    const lines = (await cli("errors", "list")).stdout.trimEnd().split("\n");
    const heads = lines.filter((l) => l.startsWith("#"));
    expect(heads).toHaveLength(2);
    expect(heads).toEqual(
      expect.arrayContaining([expect.stringMatching(/ field sync: .*Titre_Validé/), expect.stringMatching(/ qualification: .*Scoring_Freeze/)]),
    );
  });
});

describe("errors list: a blocking duplicate rule", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop({ salesforce: { duplicateRule: "block" } });
  });
  afterEach(async () => {
    await loop.close();
  });

  it("refusing every write of a Lead is one problem; once the rep's duplicate is merged one retry sends them", async () => {
    seedReps(loop);
    const config = loopConfig(loop, "salesforce");
    const cli = async (...args: string[]) => runCli([...args, "-c", config]);
    // The rep keyed Anaïs in twice before the rule; the org blocks any save matching another Lead.
    const dupes = ["Anaïs", "Anais"].map((first) =>
      loop.salesforce.data.insert("Lead", {
        FirstName: first,
        LastName: "Bérenger-Duval",
        Company: "Société Générale d'Optique",
        Email: "anais.berenger@sgo-optique.fr",
      }),
    );
    const personId = seedAnais(loop);
    pricingAndDemo(loop, personId);
    expect((await cli("sync")).code).toBe(4);

    const entries = JSON.parse((await cli("errors", "list", "--json")).stdout) as ListedEntry[];
    expect(entries.length).toBeGreaterThan(1);
    const [linked] = new Set(entries.map((e) => e.recordId));
    expect(dupes).toContain(linked);
    const ids = entries.map((e) => e.id);
    for (const e of entries) expect(e.problem).toMatchObject({ entries: ids, records: [`Lead ${linked}`] });
    const lines = (await cli("errors", "list")).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`[open] salesforce Lead ${linked} [anais.berenger@sgo-optique.fr]: DUPLICATES_DETECTED:`);
    expect(lines[1]).toContain(`waiting on it: ${ids.length} writes (Lead ${linked}: `);

    // The admin merges the rep's second Lead into the one leadloop linked: the rule has nothing to match.
    loop.salesforce.data.merge("Lead", linked!, dupes.filter((d) => d !== linked));
    const retried = await cli("errors", "retry", "--json");
    expect((JSON.parse(retried.stdout) as { resolved: number[] }).resolved.sort((a, b) => a - b)).toEqual(ids);
    expect(JSON.parse((await cli("errors", "list", "--json")).stdout)).toEqual([]);
    expect(loop.salesforce.data.get("Lead", linked!)?.HubSpot_Contact_Id__c).toBe(personId);
  });
});

describe("errors list with HubSpot as the CRM", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("shows one validation rule refusing the qualification's and the handoff's writes of a contact as one problem", async () => {
    seedReps(loop);
    const config = loopConfig(loop, "hubspot");
    const cli = async (...args: string[]) => runCli([...args, "-c", config]);
    const personId = seedAnais(loop);
    // A portal rule on the lifecycle stage, which both the qualification and the handoff set.
    const rule = "Étape du cycle de vie réservée au workflow RevOps « Qualification MQL »";
    loop.hubspot.faults.add({ records: [{ object: "contacts", field: "lifecyclestage", message: rule }] });
    pricingAndDemo(loop, personId);
    expect((await cli("sync")).code).toBe(4);

    const entries = JSON.parse((await cli("errors", "list", "--json")).stdout) as ListedEntry[];
    expect(entries.map((e) => [e.object, e.recordId, e.operation]).sort()).toEqual([
      ["contacts", personId, "handoff"],
      ["contacts", personId, "qualification"],
    ]);
    const ids = entries.map((e) => e.id);
    for (const e of entries) expect(e.problem).toMatchObject({ entries: ids, records: [`contacts ${personId}`], email: "anais.berenger@sgo-optique.fr" });
    const lines = (await cli("errors", "list")).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`[open] hubspot contacts ${personId} [anais.berenger@sgo-optique.fr]: INVALID_VALUE:`);
    expect(lines[0]).toContain(rule);
    expect(lines[2]).toContain(`\`leadloop errors retry ${ids.map((id) => `--id ${id}`).join(" ")}\``);

    // The portal admin lifts the rule: one retry sends both writes.
    loop.hubspot.faults.clear();
    const retried = await cli("errors", "retry", "--json");
    expect((JSON.parse(retried.stdout) as { resolved: number[] }).resolved.sort((a, b) => a - b)).toEqual(ids);
    expect(JSON.parse((await cli("errors", "list", "--json")).stdout)).toEqual([]);
    expect(loop.hubspot.data.getObject("contacts", personId)?.properties.lifecyclestage).toBe("marketingqualifiedlead");
  });
});
