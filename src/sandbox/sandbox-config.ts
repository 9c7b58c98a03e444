// The leadloop.yaml the sandbox writes: the public config keys pointing at the emulators and at the
// sandbox's own store, so any `leadloop` command can be run against it afterwards.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import type { SalesforceConnection } from "../config/leadloop-config.js";
import { SHIPPED_CONFIG, SHIPPED_MAPPINGS } from "./package-paths.js";
import type { SalesforceEmulator } from "./salesforce/emulator.js";
import { CAMPAIGN_TYPE_PROPERTY } from "./seed/vocab/web.js";

/**
 * The Salesforce connection for an emulator, through the client-credentials flow, so sandbox runs,
 * tests and benchmarks exercise token refresh as production does.
 */
export function emulatorConnection(emulator: SalesforceAddress): SalesforceConnection {
  return {
    instanceUrl: emulator.url,
    apiVersion: "62.0",
    oauth: { loginUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret },
  };
}

/** Where a Salesforce emulator listens and its connected app's credentials (it may run in another process). */
export type SalesforceAddress = Pick<SalesforceEmulator, "url" | "clientId" | "clientSecret">;

export interface SandboxEndpoints {
  hubspot: { url: string; accessToken: string };
  salesforce?: SalesforceAddress;
  storePath: string;
  /** The routing file written for the seeded reps. */
  routingPath: string;
  crm: "salesforce" | "hubspot";
}

/**
 * Writes the sandbox's two files: `routing.yaml` (the given routing) beside `configFile`, and the config
 * pointing at it. Returns the routing file's path.
 */
export function writeSandboxConfig(
  configFile: string,
  routingText: string,
  e: Omit<SandboxEndpoints, "routingPath">,
): string {
  const routingPath = join(dirname(configFile), "routing.yaml");
  writeFileSync(routingPath, routingText);
  writeFileSync(configFile, sandboxConfigText({ ...e, routingPath }));
  return routingPath;
}

export function sandboxConfigText(e: SandboxEndpoints): string {
  const config = {
    // The seeded portal types its campaigns in a custom campaign property (seed/vocab/web.ts).
    hubspot: { accessToken: e.hubspot.accessToken, baseUrl: e.hubspot.url, campaignTypeProperty: CAMPAIGN_TYPE_PROPERTY },
    ...(e.salesforce ? { salesforce: emulatorConnection(e.salesforce) } : {}),
    crm: e.crm,
    store: { path: e.storePath },
    // Salesforce-only: with HubSpot as the CRM the key would be ignored, and each sync would say so.
    ...(e.crm === "salesforce" ? { mappings: SHIPPED_MAPPINGS } : {}),
    qualification: join(SHIPPED_CONFIG, "qualification.yaml"),
    routing: e.routingPath,
    sla: join(SHIPPED_CONFIG, "sla.yaml"),
    schedule: { every: "1m" },
    daemon: { port: 0 },
  };
  return `# Written by \`leadloop sandbox\`: points at loopback emulators that live only while it runs.\n${stringify(config)}`;
}
