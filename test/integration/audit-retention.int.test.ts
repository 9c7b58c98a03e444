// `store.auditRetentionDays`: a run prunes audit rows older than the retention, and keeps the rest.
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import type { AuditEntry } from "../../src/store/port.js";
import { startLoop, type LoopHarness } from "../support/loop-harness.js";

const DAY_MS = 24 * 60 * 60_000;

describe("audit retention", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("prunes the audit rows a run finds older than the retention, and only those", async () => {
    const ana = loop.hubspot.data.createObject("contacts", {
      // Salesforce refuses an address whose local part is not ASCII: Ana stays in the error queue, unaudited.
      email: "Ana.López@Acme.com",
      firstname: "Ana",
      lastname: "López",
      company: "Acme",
    });
    const zoe = loop.hubspot.data.createObject("contacts", { email: "zoe.muller@beispiel.de", lastname: "Müller", company: "Beispiel" });
    await loop.sync();
    const ids = () => [ana.id, zoe.id, ...loop.salesforce.data.list("Lead").map((l) => String(l.Id))];
    const firstRun = await loop.store.listAudit(ids());
    expect(firstRun.length).toBeGreaterThan(0);

    // A rep's edit, synced by a run 100 days on that keeps 200 days: nothing is old enough to go.
    const later = (days: number) => () => new Date(Date.now() + days * DAY_MS);
    const lead = loop.salesforce.data.list("Lead").find((l) => l.LastName === "Müller")!;
    loop.salesforce.data.update("Lead", String(lead.Id), { City: "Sevilla" });
    await loop.sync({ now: later(100), auditRetentionDays: 200 });
    const both = await loop.store.listAudit(ids());
    const edit = both.filter((r) => r.after === "Sevilla");
    expect(edit).toHaveLength(1);
    expect(both).toHaveLength(firstRun.length + 1);

    // The same day with 90 days kept: the first run's rows go, the edit's row stays.
    await loop.sync({ now: later(100), auditRetentionDays: 90 });
    expect(await loop.store.listAudit(ids())).toEqual(edit);
  });

  // Rules quote a person's values ("score: 84.7 points (…)"): kept as names, which are never deleted, every
  // rescore added some for good. They go with the audit writes naming them (migration 44).
  it("keeps rule texts in no name: rescores of the same people add none, and a pruned audit leaves none behind", async () => {
    const people = ["Zoë Müller", "José Núñez", "Françoise Lefèvre"];
    const day = (round: number) => new Date(Date.UTC(2026, 0, 1 + round)).toISOString();
    const rescore = (round: number): AuditEntry[] =>
      people.map((name, i) => ({
        runId: "run-rescore",
        at: day(round),
        system: "hubspot",
        object: "contacts",
        recordId: `10${i}`,
        operation: "qualification",
        field: "leadloop_score",
        before: null,
        after: `${40 + round + i / 10}`,
        rule: `score: ${40 + round + i / 10} points (decision-maker-title, pricing-page) for ${name}, Directrice Générale`,
      }));
    const names = async () => (await loop.store.size()).tables.find((t) => t.name === "names")!.rows;
    await loop.store.commitBatch({ runId: "run-rescore", at: day(0), audit: rescore(0) });
    const before = await names();
    const rounds = 5;
    for (let round = 1; round < rounds; round++) await loop.store.commitBatch({ runId: "run-rescore", at: day(round), audit: rescore(round) });
    expect(await names()).toBe(before);

    // Others' writes the same day, more than a piece's last use lags (text-pieces.ts, 10,000 writes), then
    // the last round: the prune of the days before it leaves none of their rules, in names or pieces.
    const others: AuditEntry[] = Array.from({ length: 10_001 }, (_, i) => ({
      ...rescore(rounds - 1)[0]!,
      recordId: `2${i}`,
      after: "1",
      rule: "set by the CRM on create",
    }));
    await loop.store.commitBatch({ runId: "run-rescore", at: day(rounds - 1), audit: others });
    await loop.store.commitBatch({ runId: "run-rescore", at: day(rounds), audit: rescore(rounds) });
    expect(await names()).toBe(before);
    await loop.store.pruneAudit(day(rounds));
    expect((await loop.store.listAudit(["100", "101", "102"])).map((e) => e.rule)).toEqual(rescore(rounds).map((e) => e.rule));
    const raw = new Database(loop.storePath, { readonly: true });
    const kept = Array.from({ length: rounds }, (_, round) => rescore(round).map((e) => e.rule))
      .flat()
      .filter(
        (rule) => raw.prepare("SELECT 1 FROM names WHERE name = ? UNION ALL SELECT 1 FROM audit_pieces WHERE piece = ?").get(rule, rule) !== undefined,
      );
    raw.close();
    expect(kept).toEqual([]);
  });

  it("gives the pages the pruned rows took back to the file system, so the store file shrinks", async () => {
    const firstNames = ["Zoë", "José", "Françoise", "Björn", "Ana", "Łukasz", "Ümit", "Chloé"];
    for (let i = 0; i < 120; i++) {
      const first = firstNames[i % firstNames.length]!;
      loop.hubspot.data.createObject("contacts", {
        email: `${first.normalize("NFD").replace(/[^A-Za-z]/g, "").toLowerCase()}.${i}@Kunde-${i % 7}.example.com`,
        firstname: first,
        lastname: `Nachname ${i}`,
        company: i % 3 === 0 ? "" : `Kunde ${i % 7} GmbH`,
        jobtitle: i % 2 === 0 ? "Head of Marketing" : "VP Sales",
      });
    }
    await loop.sync();
    const pages = async () => {
      const size = await loop.store.size();
      const used = size.tables.reduce((sum, t) => sum + t.bytes + t.indexBytes, 0);
      return { used, free: size.freeBytes, audit: size.tables.find((t) => t.name === "audit_writes")! };
    };
    const before = await pages();
    expect(before.audit.rows).toBeGreaterThan(200);

    // 100 days on, keeping 90: the audit goes, and its pages leave the file rather than wait on its free list.
    const later = () => new Date(Date.now() + 100 * DAY_MS);
    await loop.sync({ now: later, auditRetentionDays: 90 });
    const after = await pages();
    expect(after.audit.rows).toBe(0);
    expect(after.free).toBe(0);
    expect(before.used - after.used).toBeGreaterThan(before.audit.bytes / 2);
  });
});
