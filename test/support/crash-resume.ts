// Issue 7's crash test, for either CRM: `leadloop sync` runs as a child process against seeded emulators
// and is killed (SIGKILL) or stopped (SIGTERM) right after its N-th record write reached an emulator,
// before it learned of it, or told 502 for that write though it was made (a lost answer), at points spread
// over a first load with the funnel on and over an incremental run after people acted, and at property
// creates of the first process's preparation on the fresh portal (counted apart from record writes); rerun
// to completion, both emulators must hold exactly what a clean run leaves behind.
// Each CRM's suite is a test file of its own (crash-resume-*.int.test.ts), so the two run side by side.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { describeDifferences, diffDumps, dumpEmulators, type EmulatorDump } from "./emulator-dump.js";
import { type ChildRun, describeRun, type KillPlan, runSyncChild, type WritesCounted } from "./kill-at-write.js";
import { ingridArrives, showsIntent } from "./ready-to-buy.js";
import { openSandboxWorld, type SandboxWorld } from "./sandbox-world.js";

// Small enough that a run stays under leadloop's own HubSpot pacing (100 calls per 10 s) and takes a
// couple of seconds, large enough for companies, deals, CRM-only leads and several MQLs.
const SEED = 11;
const CONTACTS = 40;
/**
 * One `now` for every world: activity ids, dates and task keys then agree between worlds. Scores still
 * read the real clock, which moves on by a few minutes over the file (see emulator-dump.ts).
 */
const SEED_NOW = new Date(Date.now() - 60_000);
const DAY_MS = 86_400_000;

/**
 * Where the kill points fall: spread over a phase's record writes, or over the property creates of the
 * first load's process preparing a fresh portal ("preparation", src/cli/preparation.ts), counted apart
 * so that "at 40%" of a first load is 40% of its record writes however many properties the portal lacked.
 */
type KillPlace = Phase | "preparation";
type KillPoints = Record<KillPlace, number>;

// At least 20 kill points, as the issue asks (21 with Salesforce as the CRM), each on a different write. With Salesforce as the CRM, every record write of the first
// load (14) and of the incremental run (its changes fit in fewer batches, and each record's writes, the
// field sync's among them, leave as one: 4), and each of the preparation's 3 property batch creates (one
// per object: 11 funnel properties and leadloop_crm_id on contacts, leadloop_crm_id on companies and on
// deals). With HubSpot as the CRM every write goes to one system, batched: the first load writes its records
// in 2, the incremental run in 2, and the preparation makes its 12 properties in 2 batch creates (the
// contacts' 11, the tasks' key); each is a kill point.
const POINTS: Record<Crm, KillPoints> = {
  salesforce: { "first load": 14, incremental: 4, preparation: 3 },
  hubspot: { "first load": 2, incremental: 2, preparation: 2 },
};
/**
 * Writes whose answer is lost (a 502 after the system made the write) while the run goes on: its retry
 * sends an update or upsert again, stops at a plain create (call-retry.ts `notIdempotent`; a property batch
 * create is retried, and what its refusal did not make is made one at a time, a 409 read as made:
 * ensure-properties.ts), and the reruns must leave
 * what a clean run leaves, nothing made twice.
 */
const LOST_ANSWERS: Record<Crm, KillPoints> = {
  salesforce: { "first load": 8, incremental: 2, preparation: 3 },
  // Every write, as for the kills: HubSpot's keyed tasks are its plain creates.
  hubspot: POINTS.hubspot,
};
/** Where a SIGTERM lands; HubSpot's first load has 2 record writes, which 50% and 80% would both name. */
const SIGTERMS: Record<Crm, Record<KillPlace, number[]>> = {
  salesforce: { "first load": [0.5, 0.8], incremental: [0.5], preparation: [0.5] },
  hubspot: { "first load": [0.5], incremental: [0.5], preparation: [0.5] },
};
/** A run that makes writes is followed by another until one makes none; more than this is a loop. */
const MAX_RUNS = 8;
const SIGTERM_EXIT_MS = 5_000;
const PARALLEL = 3;

const seed = generateSeed({ seed: SEED, now: SEED_NOW, contacts: CONTACTS });
const DECISION_MAKER = /\b(vp|head of|director|directeur|chief|ceo|cmo|cro|founder|president)\b/i;
const SERVED = new Set(["United States", "USA", "US", "United Kingdom", "UK", "GB", "Germany", "DE", "France"]);

/** Well-fitting people leadloop has not qualified: the ones the scripted people below act as. */
function prospects(world: SandboxWorld): { id: string; email: string }[] {
  return world.hubspot.data
    .listObjects("contacts")
    .filter((c) => {
      const p = c.properties;
      return (
        DECISION_MAKER.test(p.jobtitle ?? "") &&
        SERVED.has(p.country ?? "") &&
        p.firstname &&
        p.lastname &&
        p.company &&
        !/@(gmail|yahoo|hotmail|outlook)\./.test(p.email ?? "") &&
        p.hs_email_optout !== "true" &&
        ["subscriber", "lead", undefined].includes(p.lifecyclestage)
      );
    })
    .map((c) => ({ id: c.id, email: String(c.properties.email).toLowerCase() }))
    .sort((a, b) => a.email.localeCompare(b.email));
}

export type Crm = "salesforce" | "hubspot";

/**
 * The prospect kept for the incremental run: one sales has not met (no Lead or Contact; with HubSpot as
 * the CRM, no owner and no lead status), so no rep's status moves them on in the first load and their
 * demo request makes a new MQL to hand off.
 */
function incrementalProspect(world: SandboxWorld, crm: Crm): { id: string; email: string } | undefined {
  const met =
    crm === "salesforce"
      ? new Set(
          [...world.salesforce.data.list("Lead"), ...world.salesforce.data.list("Contact")].map((r) =>
            String(r.Email ?? "").toLowerCase(),
          ),
        )
      : new Set(
          world.hubspot.data
            .listObjects("contacts")
            .filter((c) => c.properties.hubspot_owner_id || c.properties.hs_lead_status)
            .map((c) => String(c.properties.email ?? "").toLowerCase()),
        );
  return prospects(world)
    .filter((p) => !met.has(p.email))
    .at(-1);
}

/** Seeded worlds get a campaign's MQLs before the first load, so the first load hands off. */
async function freshWorld(label: string, crm: Crm): Promise<SandboxWorld> {
  const world = await openSandboxWorld(seed, label, crm);
  const twoDaysBefore = new Date(SEED_NOW.getTime() - 2 * DAY_MS);
  const kept = incrementalProspect(world, crm);
  for (const p of prospects(world)
    .filter((p) => p.id !== kept?.id)
    .slice(0, 4))
    showsIntent(world, p.id, twoDaysBefore);
  return world;
}

/**
 * What people do between the first load and the incremental run: a prospect reads pricing and asks
 * for a demo, a new contact arrives and does the same, a marketer corrects a title, and a rep works a
 * lead leadloop handed over (status changed, call logged) and fixes its phone number: on the Lead with
 * Salesforce, on the contact with HubSpot as the CRM.
 */
function peopleAct(world: SandboxWorld, crm: Crm): void {
  const { hubspot } = world;
  const prospect = incrementalProspect(world, crm);
  if (prospect) showsIntent(world, prospect.id, SEED_NOW);
  showsIntent(world, ingridArrives(world, SEED_NOW), SEED_NOW);
  const edited = hubspot.data
    .listObjects("contacts")
    .filter((c) => c.properties.email && c.properties.jobtitle)
    .sort((a, b) => String(a.properties.email).localeCompare(String(b.properties.email)))[0];
  if (edited) hubspot.data.updateObject("contacts", edited.id, { jobtitle: "Head of Demand Generation" });
  // A rep's save that commits a minute after its modification time: within the run's look-back however
  // long the scenarios before this one took (SEED_NOW is minutes old by then, beyond the look-back).
  const at = new Date(Date.now() - 60_000);
  // The day the rep logged the call is the seed's, not the wall clock's: every world runs this at its own
  // moment, and worlds on either side of midnight must log the same day.
  const callDay = SEED_NOW.toISOString().slice(0, 10);
  if (crm === "salesforce") repWorksLead(world, at, callDay);
  else repWorksContact(world, at, callDay);
}

function repWorksLead(world: SandboxWorld, at: Date, callDay: string): void {
  const { salesforce } = world;
  const handed = salesforce.data
    .list("Lead")
    .filter((l) => l.Leadloop_MQL_Date__c && l.Status === "Open - Not Contacted")
    .sort((a, b) => String(a.Email).localeCompare(String(b.Email)))[0];
  if (!handed) return;
  salesforce.data.update("Lead", String(handed.Id), { Status: "Working - Contacted", Phone: "+44 20 7946 0321" }, at);
  salesforce.data.insert(
    "Task",
    {
      Subject: "Call",
      Status: "Completed",
      TaskSubtype: "Call",
      WhoId: handed.Id,
      ActivityDate: callDay,
      Description: "Spoke briefly; demo booked for Thursday.",
    },
    at,
  );
}

/** The same with HubSpot as the CRM: the contact's lead status and phone, and a call associated with it. */
function repWorksContact(world: SandboxWorld, at: Date, callDay: string): void {
  const { data } = world.hubspot;
  const handed = data
    .listObjects("contacts")
    .filter((c) => c.properties.leadloop_mql_date && c.properties.hs_lead_status === "NEW")
    .sort((a, b) => String(a.properties.email).localeCompare(String(b.properties.email)))[0];
  if (!handed) return;
  data.updateObject("contacts", handed.id, { hs_lead_status: "IN_PROGRESS", phone: "+44 20 7946 0321" }, at);
  const call = data.createObject(
    "calls",
    {
      hs_call_title: "Call",
      hs_call_body: "Spoke briefly; demo booked for Thursday.",
      hs_call_status: "COMPLETED",
      hs_call_direction: "OUTBOUND",
      hs_timestamp: `${callDay}T12:00:00.000Z`,
      hubspot_owner_id: handed.properties.hubspot_owner_id ?? null,
    },
    at,
  );
  data.associate("calls", call.id, "contacts", handed.id);
}

interface Completion {
  runs: ChildRun[];
  problems: string[];
}

/** Reruns `leadloop sync` until a run ends 0 or 4 and the run after it writes nothing. */
async function runToCompletion(world: SandboxWorld): Promise<Completion> {
  const runs: ChildRun[] = [];
  const problems: string[] = [];
  let settled = false;
  while (runs.length < MAX_RUNS) {
    const run = await runSyncChild(world);
    runs.push(run);
    if (run.code !== 0 && run.code !== 4) {
      problems.push(`rerun ${runs.length} ${describeRun(run)}`);
      break;
    }
    if (settled && run.writes === 0) return { runs, problems };
    settled = true;
  }
  if (problems.length === 0)
    problems.push(
      `still writing after ${MAX_RUNS} reruns (${runs
        .slice(-2)
        .map((r) => JSON.stringify({ writes: r.writes, updated: r.summary?.updated, created: r.summary?.created, errors: r.summary?.errors }))
        .join(", ")})`,
    );
  return { runs, problems };
}

/** A clean run of one phase to completion: how many writes its first run made, and the state it left. */
interface Reference {
  /** The first run's record writes (the preparation's property creates not counted). */
  writes: number;
  /** The first run's property creates: its process's preparation on the fresh portal. */
  preparationWrites: number;
  handoffs: number;
  state: EmulatorDump;
}

type Phase = "first load" | "incremental";

/**
 * Brings a fresh world to the start of a phase: nothing for the first load; for the incremental run,
 * one clean first run and then the people acting, as `leadloop sandbox` plays them between runs.
 */
async function worldBefore(
  phase: Phase,
  label: string,
  crm: Crm,
): Promise<{ world: SandboxWorld; problems: string[] }> {
  const world = await freshWorld(label, crm);
  const problems: string[] = [];
  if (phase === "incremental") {
    const first = await runSyncChild(world);
    if (first.code !== 0 && first.code !== 4) problems.push(`the clean first run ${describeRun(first)}`);
    peopleAct(world, crm);
  }
  return { world, problems };
}

async function cleanReference(phase: Phase, label: string, crm: Crm): Promise<Reference> {
  const { world, problems } = await worldBefore(phase, label, crm);
  try {
    const completion = await runToCompletion(world);
    problems.push(...completion.problems);
    if (problems.length > 0) throw new Error(`clean ${phase}: ${problems.join("; ")}`);
    return {
      writes: completion.runs[0]!.recordWrites,
      preparationWrites: completion.runs[0]!.writes - completion.runs[0]!.recordWrites,
      handoffs: completion.runs.reduce((n, r) => n + (r.summary?.handoffs ?? 0), 0),
      state: dumpEmulators(world.hubspot, world.salesforce),
    };
  } finally {
    await world.close();
  }
}

interface Scenario {
  name: string;
  phase: Phase;
  /** Where in the phase's writes the signal lands, 0 (first write) to 1 (last write). */
  at: number;
  /** The writes `at` places it among: the records' unless the scenario means the preparation's property creates. */
  among: WritesCounted;
  signal: KillPlan["signal"];
}

interface Outcome {
  problems: string[];
  differences: string;
}

const spread = (n: number) => Array.from({ length: n }, (_, i) => i / (n - 1));
function scenariosFor(crm: Crm): Scenario[] {
  const where: KillPlace[] = ["first load", "incremental", "preparation"];
  const scenariosAt = (signal: Scenario["signal"], points: Record<KillPlace, number[]>) =>
    where.flatMap((w) =>
      points[w].map((at) =>
        w === "preparation"
          ? ({ phase: "first load", at, signal, among: "preparation" } as const)
          : ({ phase: w, at, signal, among: "record writes" } as const),
      ),
    );
  const spreadOver = (counts: KillPoints) =>
    Object.fromEntries(where.map((w) => [w, spread(counts[w])])) as Record<KillPlace, number[]>;
  return [
    ...scenariosAt("SIGKILL", spreadOver(POINTS[crm])),
    ...scenariosAt("SIGTERM", SIGTERMS[crm]),
    ...scenariosAt("lost answer", spreadOver(LOST_ANSWERS[crm])),
  ]
    .map((s) => ({
      ...s,
      name:
        s.among === "preparation"
          ? `${s.signal} in the first load's preparation at ${Math.round(s.at * 100)}% of its property creates`
          : `${s.signal} in the ${s.phase} at ${Math.round(s.at * 100)}% of its record writes`,
    }))
    // While working on one failure: CRASHTEST_ONLY="incremental at 78" runs the scenarios named so.
    .filter((s) => s.name.includes(process.env.CRASHTEST_ONLY ?? ""));
}

/** The write a fraction of `total` lands on, counted from 1. */
function writeNumber(total: number, at: number): number {
  return Math.max(1, Math.min(total, 1 + Math.round(at * (total - 1))));
}

async function runScenario(s: Scenario, ref: Reference, crm: Crm): Promise<Outcome> {
  const { world, problems } = await worldBefore(s.phase, "crash", crm);
  try {
    const total = s.among === "preparation" ? ref.preparationWrites : ref.writes;
    const atWrite = writeNumber(total, s.at);
    const stopped = await runSyncChild(world, { atWrite, among: s.among, signal: s.signal });
    if (stopped.killedAtWrite === undefined) problems.push(`the run ended before write ${atWrite}`);
    if (s.signal === "SIGTERM") {
      if (stopped.code !== 0) problems.push(`after SIGTERM the run ${describeRun(stopped)} (expected exit 0)`);
      if ((stopped.exitMsAfterSignal ?? Infinity) > SIGTERM_EXIT_MS)
        problems.push(`the run exited ${stopped.exitMsAfterSignal} ms after SIGTERM (at most ${SIGTERM_EXIT_MS})`);
    }
    const completion = await runToCompletion(world);
    problems.push(...completion.problems);
    // A process killed or answered 502 while it made leadloop's properties leaves nothing for the next
    // to refuse: no 409 for a property made, no mapped property missing (exit 0, as the clean run's).
    if (s.among === "preparation")
      for (const [i, run] of [stopped, ...completion.runs].entries())
        if (run.code !== 0 && run.signal === null)
          problems.push(`${i === 0 ? "the stopped run" : `rerun ${i}`} ${describeRun(run)} (expected exit 0)`);
    const diffs = diffDumps(ref.state, dumpEmulators(world.hubspot, world.salesforce));
    if (diffs.length > 0)
      problems.push(`${diffs.length} difference${diffs.length === 1 ? "" : "s"} from a clean run:`);
    if (problems.length > 0) problems.unshift(`(${s.signal} at ${s.among === "preparation" ? "property create" : "record write"} ${atWrite} of ${total})`);
    return { problems, differences: describeDifferences(diffs) };
  } finally {
    await world.close();
  }
}

/** Runs `work` over `items`, `limit` at a time, keeping results in order. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The suite for one CRM: clean references of both phases, then every scenario against them. */
export function describeCrashResume(crm: Crm): void {
  describe(`a crashed or stopped \`leadloop sync\` resumes to the state a clean run leaves (crm: ${crm})`, () => {
    const reference = new Map<Phase, Reference>();
    const again = new Map<Phase, Reference>();
    const outcomes = new Map<string, Outcome>();
    const scenarios = scenariosFor(crm);

    beforeAll(async () => {
      const phases: Phase[] = ["first load", "incremental"];
      const refs = await inPool(phases, PARALLEL, (phase) => cleanReference(phase, "reference", crm));
      phases.forEach((phase, i) => reference.set(phase, refs[i]!));
      type Work = { again: Phase } | Scenario;
      const work: Work[] = [...phases.map((phase) => ({ again: phase })), ...scenarios];
      const results = await inPool<Work, Reference | Outcome>(work, PARALLEL, (w) =>
        "again" in w ? cleanReference(w.again, "again", crm) : runScenario(w, reference.get(w.phase)!, crm),
      );
      work.forEach((w, i) => {
        if ("again" in w) again.set(w.again, results[i] as Reference);
        else outcomes.set(w.name, results[i] as Outcome);
      });
    }, 20 * 60_000);

    it("has clean runs worth crashing: handoffs in each phase, a record write for every kill point, the first load's property creates", () => {
      for (const [phase, points] of [
        ["first load", POINTS[crm]["first load"]],
        ["incremental", POINTS[crm].incremental],
      ] as const) {
        const ref = reference.get(phase)!;
        // A fresh portal: the first load's process makes leadloop's properties; the incremental run's has them.
        const preparation = phase === "first load" ? POINTS[crm].preparation : 0;
        expect({
          phase,
          handoffs: ref.handoffs >= 2,
          enoughWrites: ref.writes >= points,
          propertyCreates: preparation === 0 ? ref.preparationWrites === 0 : ref.preparationWrites >= preparation,
        }).toEqual({ phase, handoffs: true, enoughWrites: true, propertyCreates: true });
      }
    });

    it("gets the same final state from two clean runs (the comparison itself is deterministic)", () => {
      for (const phase of ["first load", "incremental"] as const) {
        expect(again.get(phase)!.writes).toBe(reference.get(phase)!.writes);
        expect(again.get(phase)!.preparationWrites).toBe(reference.get(phase)!.preparationWrites);
        expect(describeDifferences(diffDumps(reference.get(phase)!.state, again.get(phase)!.state))).toBe("");
      }
    });

    it.each(scenarios.map((s) => s.name))("%s", (name) => {
      const outcome = outcomes.get(name)!;
      expect([...outcome.problems, outcome.differences].filter(Boolean).join("\n")).toBe("");
    });
  });
}
