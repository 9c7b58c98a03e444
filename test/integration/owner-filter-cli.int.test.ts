// `--owner <email>` on `sla`, `hot` and `digest`, as a sales manager types it: a rep the routing names
// or the store has seen own a lead, with nothing to show, is "nothing for them" and exit 0; an email no
// rep has is said on stderr with exit 1 (naming the nearest known rep when the email is a near miss),
// where it printed "nothing for them" and exited 0, so a typo read as a rep with nothing to do.
import { dirname, join } from "node:path";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { runCli } from "../support/cli-run.js";
import { funnelFor, pricingAndDemo, REPS, seedCamille, seedReps, TEST_ROUTING } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** A rep the routing names for Poland, who has been given no lead yet. */
const MARTA = "marta.nowak@leadloop-demo.com";
const ROUTING_WITH_MARTA = `${TEST_ROUTING.replace(
  "rules:\n",
  `rules:\n  - id: poland\n    description: Poland\n    when: { country: [Poland] }\n    assign: { rep: ${MARTA} }\n`,
)}`;

describe("--owner names a rep leadloop knows", () => {
  let loop: LoopHarness;
  let configPath: string;
  const writeConfig = (routing: string) =>
    writeSandboxConfig(configPath, routing, {
      hubspot: { url: loop.hubspot.url, accessToken: loop.hubspot.accessToken },
      salesforce: loop.salesforce,
      storePath: loop.storePath,
      crm: "salesforce",
    });
  const cli = (...args: string[]) => runCli(["--config", configPath, ...args]);

  beforeAll(async () => {
    loop = await startLoop();
    seedReps(loop);
    pricingAndDemo(loop, seedCamille(loop));
    // France goes to the EMEA queue: Camille is Hélène's.
    expect((await loop.sync({ funnel: funnelFor(loop, "salesforce") })).summary.handoffs).toBe(1);
    await tick();
    configPath = join(dirname(loop.storePath), "leadloop.yaml");
    writeConfig(ROUTING_WITH_MARTA);
  });
  afterAll(async () => {
    await loop.close();
  });

  const NOTHING = {
    sla: "no open follow-up clocks",
    hot: "no hot leads",
    digest: "no active leads",
  } as const;

  it.each(["sla", "hot", "digest"] as const)("%s --owner: a mistyped email exits 1 naming the nearest rep", async (command) => {
    const typo = await cli(command, "--owner", "Helene.Dubios@leadloop-demo.com");
    expect(typo).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "leadloop: no rep with email Helene.Dubios@leadloop-demo.com is known (the routing names no such rep, and no lead " +
        `was handed to one); did you mean ${REPS.emea.email}?\n`,
    });
    // Nothing near it: no suggestion, the same exit; --json prints no empty answer either.
    const nobody = await cli(command, "--owner", "nobody@x.com", "--json");
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toBe("");
    expect(nobody.stderr).toBe(
      "leadloop: no rep with email nobody@x.com is known (the routing names no such rep, and no lead was handed to one)\n",
    );
    // A colleague at the same domain is no near miss: the edits allowed are the name's, not the domain's
    // (margot.lambert@ is ten edits from jordan.miller@, which a budget over the whole email allowed).
    const colleague = await cli(command, "--owner", "margot.lambert@leadloop-demo.com");
    expect(colleague.stderr).toBe(
      "leadloop: no rep with email margot.lambert@leadloop-demo.com is known (the routing names no such rep, and no lead was handed to one)\n",
    );

    // A rep the routing names, with nothing yet: the command's own answer, exit 0.
    const marta = await cli(command, "--owner", " Marta.Nowak@Leadloop-Demo.com ");
    expect(marta).toEqual({ code: 0, stdout: `${NOTHING[command]} for Marta.Nowak@Leadloop-Demo.com\n`, stderr: "" });

    // The rep whose lead it is: listed.
    const helene = await cli(command, "--owner", REPS.emea.email.toUpperCase());
    expect(helene.code).toBe(0);
    expect(helene.stdout).toContain("camille.lefevre@sgi-ingenierie.fr");
  });

  it("digest --write for an unknown email writes no task and records no run", async () => {
    const runsBefore = (await loop.store.listRuns(100)).length;
    const written = await cli("digest", "--write", "--owner", "jordan.miler@leadloop-demo.com");
    expect(written.code).toBe(1);
    expect(written.stderr).toContain(`did you mean ${REPS.fallback.email}?`);
    expect(loop.salesforce.data.list("Task").filter((t) => String(t.Leadloop_Activity_Key__c).startsWith("leadloop:digest:"))).toEqual([]);
    expect(await loop.store.listRuns(100)).toHaveLength(runsBefore);
  });

  it("a rep the routing no longer names is still known by the leads the store has them own", async () => {
    // Hélène left the EMEA queue; Camille is still hers until someone moves her.
    writeConfig(TEST_ROUTING.replace(`emea: [${REPS.emea.email}]`, `emea: [${REPS.fallback.email}]`));
    try {
      expect(await cli("sla", "--breached", "--owner", REPS.emea.email)).toEqual({
        code: 0,
        stdout: `no SLA breaches for ${REPS.emea.email}\n`,
        stderr: "",
      });
      expect((await cli("sla", "--owner", "marta.nowak@leadloop-demo.com")).code).toBe(1);
    } finally {
      writeConfig(ROUTING_WITH_MARTA);
    }
  });
});
