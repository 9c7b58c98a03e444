// The world the funnel story runs in: both emulators and leadloop on one movable clock (time flows as
// usual, and the story jumps it by hours or weeks instead of sleeping), the sandbox's config in the
// default configuration with a small sales team, and the `leadloop` CLI run the way a shell runs it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { type CliResult, runCli } from "../support/cli-run.js";

export type CrmMode = "salesforce" | "hubspot";

export const TEAM = {
  emea: { email: "helene.dubois@leadloop-demo.com", firstName: "Hélène", lastName: "Dubois" },
  dach: { email: "lukas.brandt@leadloop-demo.com", firstName: "Lukas", lastName: "Brandt" },
  fallback: { email: "jordan.miller@leadloop-demo.com", firstName: "Jordan", lastName: "Miller" },
  manager: { email: "priya.raman@leadloop-demo.com", firstName: "Priya", lastName: "Raman" },
} as const;
export type TeamMember = keyof typeof TEAM;

/** France → Hélène, DACH → Lukas, everyone else → Jordan; Priya manages the reps. */
const ROUTING = `version: 1
keepAccountOwner: true
queues:
  emea: [${TEAM.emea.email}]
  dach: [${TEAM.dach.email}]
rules:
  - id: france
    description: France
    when: { country: [France, FR] }
    assign: { queue: emea }
  - id: dach
    description: Germany, Austria, Switzerland
    when: { country: [Germany, DE, Austria, AT, Switzerland, CH] }
    assign: { queue: dach }
fallback: ${TEAM.fallback.email}
`;

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface StoryWorld {
  crm: CrmMode;
  hubspot: HubspotEmulator;
  salesforce: SalesforceEmulator;
  /** CRM user / HubSpot owner ids of the team, by member. */
  ids: Record<TeamMember, { salesforce: string; hubspot: string }>;
  now(): Date;
  /** Moves the clock of leadloop and both systems forward. */
  jump(ms: number): void;
  /** `leadloop <args> --config <world>`; the summary parsed when `--json` was asked. */
  cli(...args: string[]): Promise<CliResult>;
  sync(): Promise<SyncSummary>;
  storeRows<T>(sql: string, ...params: unknown[]): T[];
  close(): Promise<void>;
}

export interface SyncSummary {
  status: string;
  handoffs: number;
  created: Record<string, number>;
  updated: Record<string, number>;
  errors: Record<string, number>;
  dispositions?: Record<string, number>;
  conversions?: number;
  outcomes?: { won: number; lost: number };
  slaBreaches?: number;
  [key: string]: unknown;
}

const RUN_AFTER_MS = 60_000;

export async function openStoryWorld(crm: CrmMode): Promise<StoryWorld> {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  // HubSpot's search index lags writes by its default (a few seconds of `now`), as on a real portal.
  const hubspot = await startHubspotEmulator({
    now,
    limits: { burstPer10Seconds: 1_000_000, searchPerSecond: 1_000_000 },
  });
  const salesforce = await startSalesforceEmulator({ now });
  const ids = {} as StoryWorld["ids"];
  for (const [key, member] of Object.entries(TEAM) as [TeamMember, (typeof TEAM)[TeamMember]][]) {
    const managerId = key === "manager" ? undefined : ids.manager?.salesforce;
    ids[key] = {
      salesforce: salesforce.data.insert("User", {
        Username: `${member.email}.story`,
        Email: member.email,
        FirstName: member.firstName,
        LastName: member.lastName,
        IsActive: true,
        ...(managerId ? { ManagerId: managerId } : {}),
      }),
      hubspot: hubspot.data.addOwner(member).id,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `leadloop-story-${crm}-`));
  const configPath = join(dir, "leadloop.yaml");
  const storePath = join(dir, "state.db");
  writeSandboxConfig(configPath, ROUTING, {
    hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
    salesforce,
    storePath,
    crm,
  });
  const cli = (...args: string[]) => runCli([...args, "--config", configPath], {}, undefined, { now });
  return {
    crm,
    hubspot,
    salesforce,
    ids,
    now,
    jump: (ms) => {
      offset += ms;
    },
    cli,
    async sync() {
      // A scheduled run starts a minute after people last acted, by when HubSpot's search has indexed
      // their writes (leadloop never relies on search seeing a write sooner: search-lag.int.test.ts).
      offset += RUN_AFTER_MS;
      const run = await cli("sync", "--json");
      if (![0, 4].includes(run.code)) throw new Error(`sync exited ${run.code}: ${run.stderr}`);
      return JSON.parse(run.stdout) as SyncSummary;
    },
    storeRows<T>(sql: string, ...params: unknown[]): T[] {
      const db = new Database(storePath, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    close: async () => {
      await hubspot.close();
      await salesforce.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a person does on the website, as HubSpot records it. */
export const behaviour = {
  pricing(world: StoryWorld, contactId: string): void {
    recordActivity(world.hubspot.data, {
      contactId,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" },
    });
  },
  demoRequest(world: StoryWorld, contactId: string): void {
    recordActivity(world.hubspot.data, {
      contactId,
      kind: "formSubmission",
      // HubSpot's form-submission event names the form by id and the page it is on by title and URL.
      properties: {
        hs_form_id: "4c1f9a2e-7d3b-4e8a-9b6c-2f5e8d1a7c30",
        hs_title: "Request a demo",
        hs_url: "https://www.leadloop-demo.com/demo",
      },
    });
  },
  blogVisit(world: StoryWorld, contactId: string): void {
    recordActivity(world.hubspot.data, {
      contactId,
      kind: "pageView",
      properties: {
        hs_url: "https://www.leadloop-demo.com/blog/closing-the-loop",
        hs_title: "Closing the loop between marketing and sales",
      },
    });
  },
};
