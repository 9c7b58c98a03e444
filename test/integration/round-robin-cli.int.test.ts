// README's "Qualification, routing and SLA": a routing queue is round-robin, fair across restarts, and the
// MQLs of one run take its turns in the order of their contact ids. Through the CLI, each `sync` a run of
// its own over the same store, with the sandbox's routing (the na-west queue: two reps, in that order).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface HotRow {
  personId: string;
  email: string | null;
  ownerEmail: string | null;
}

const NA_WEST = ["sabine.king@orbitlane.com", "ingrid.chen@orbitlane.com"];

describe("a round-robin queue through leadloop sync", () => {
  let world: SandboxWorld;
  const config = () => ["-c", world.configPath];
  const seed = () => generateSeed({ seed: 29, now: new Date(), contacts: 0, companies: 1, reps: 6 });

  /** A keen VP at a West Coast company nobody owns: na-west's by territory. */
  const prospect = (first: string, last: string, state: string) => {
    // Addresses as mail systems take them: the names without their accents, in the case people type.
    const ascii = (name: string) => name.normalize("NFD").replace(/[^A-Za-z]/g, "");
    const domain = `${ascii(last).toLowerCase()}-systems.com`;
    const company = world.hubspot.data.createObject("companies", { name: `${last} Systems`, domain, numberofemployees: "300", country: "United States", state });
    const id = world.hubspot.data.createObject("contacts", {
      email: `${ascii(first)}.${ascii(last)}@${domain.toUpperCase()}`,
      firstname: first,
      lastname: last,
      jobtitle: "VP of Sales",
      company: `${last} Systems`,
      country: "United States",
      state,
    }).id;
    world.hubspot.data.associate("contacts", id, "companies", company.id);
    pricingAndDemo(world, id);
    return id;
  };
  const owners = async () => {
    const hot = await runCli(["hot", "--json", ...config()]);
    expect(hot.code).toBe(0);
    return new Map((JSON.parse(hot.stdout) as HotRow[]).map((r) => [r.personId, r.ownerEmail]));
  };

  beforeAll(async () => {
    world = await openSandboxWorld(seed(), "round-robin");
    expect((await runCli(["validate", ...config()])).code).toBe(0);
  });
  afterAll(async () => {
    await world.close();
  });

  it("gives one run's MQLs the queue's turns in contact-id order, and the next run the turn after", async () => {
    const first = [
      prospect("José", "Muñoz", "CA"),
      prospect("Zoë", "Ångström", "WA"),
      prospect("Chloé", "Dupré", "TX"),
    ];
    const run1 = JSON.parse((await runCli(["sync", "--json", ...config()])).stdout) as { handoffs: number };
    expect(run1.handoffs).toBe(3);
    const byId = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));
    const after1 = await owners();
    const taken = byId(first).map((id) => after1.get(id));
    // Alternating through the queue from its first member, in id order.
    expect(taken).toEqual([NA_WEST[0], NA_WEST[1], NA_WEST[0]]);

    // A run of its own (a restart): the queue goes on with its next member, not its first.
    const second = [prospect("Renée", "Łukasik", "CO"), prospect("Søren", "Næss", "CA")];
    const run2 = JSON.parse((await runCli(["sync", "--json", ...config()])).stdout) as { handoffs: number };
    expect(run2.handoffs).toBe(2);
    const after2 = await owners();
    expect(byId(second).map((id) => after2.get(id))).toEqual([NA_WEST[1], NA_WEST[0]]);
    // The first run's handoffs stand.
    expect(byId(first).map((id) => after2.get(id))).toEqual(taken);
  }, 120_000);
});
