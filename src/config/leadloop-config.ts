// The schema of leadloop.yaml. These keys are a public contract: later keys may be added, these keep
// their meaning. Paths in the file are resolved against the file's own folder by the loader.
import { z } from "zod";
import { TARGET_METRICS, TARGET_PERIODS } from "../core/report/funnel-report.js";
import { DEFAULT_RECYCLE_BIN_EVERY_MS } from "../core/bin-listing.js";
import { durationOrZeroSchema, durationSchema } from "./duration.js";

export const CRM_KINDS = ["salesforce", "hubspot"] as const;
export type CrmKind = (typeof CRM_KINDS)[number];

/** Five minutes: long enough to ride out a few of HubSpot's ten-second windows or a Salesforce restart. */
const DEFAULT_RETRY_PATIENCE_MS = 300_000;
/**
 * A day: a property or field an admin adds is seen by the next day's runs even unmapped (a mapping's change
 * is seen at once), and a cron every 5 minutes reads the lists once in 288 runs (ARCHITECTURE.md "Kept descriptions").
 */
export const DEFAULT_DESCRIPTIONS_KEPT_FOR_MS = 86_400_000;
/** How often the daemon runs unless `schedule.every` says otherwise. */
export const DEFAULT_SCHEDULE_MS = 300_000;

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * The first path segments of a page or API path pasted where an API's address goes: a Lightning or Classic
 * page, an API path leadloop adds itself (/services/data/v62.0, /services/oauth2/token, /crm/v3,
 * /marketing/v3, /events/v3, /form-integrations/v1). leadloop puts each call's path after the address, so
 * one of these doubled up and the first call failed as "not found" (exit 1) or, for loginUrl, as refused
 * credentials (exit 3), naming no setting. Any other path is a gateway's prefix, which the client libraries
 * put their paths after, and is kept.
 */
const PASTED_PATH_ROOTS = new Set(["lightning", "one", "_ui", "services", "crm", "marketing", "events", "form-integrations", "automation", "contacts"]);

/** The address of an API: scheme, host, port and a gateway's path prefix, no page or API path, query or fragment. */
const apiAddress = httpUrl.refine(
  (url) => {
    // zod runs the refinement on a value the URL check refused too: that one says "must be an http(s) URL".
    if (!URL.canParse(url)) return true;
    const u = new URL(url);
    const root = u.pathname.split("/")[1]?.toLowerCase() ?? "";
    return !PASTED_PATH_ROOTS.has(root) && u.search === "" && u.hash === "";
  },
  {
    error: (issue) => {
      // The address as written (an accented host stays as the admin typed it, not in punycode).
      const written = String(issue.input);
      const address = /^https?:\/\/[^/?#]+/i.exec(written)?.[0] ?? written;
      return `"${written}" has a path (${written.slice(address.length)}): write the address alone, ${address}; leadloop adds each API's path itself`;
    },
  },
);

/** Where behaviour comes from: probed (`auto`), the events API (Enterprise), or properties and bulk APIs. */
export const BEHAVIOUR_SOURCES = ["auto", "events", "properties"] as const;
export type BehaviourSourceSetting = (typeof BEHAVIOUR_SOURCES)[number];

/** How a character a token cannot hold reads in a message: named when invisible, with its code point. */
function characterName(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const named: Record<string, string> = { " ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a carriage return" };
  return named[char] ? `${named[char]} (${code})` : /\p{L}|\p{N}|\p{P}|\p{S}/u.test(char) ? `"${char}" (${code})` : code;
}

/**
 * A token sent as `Authorization: Bearer <token>`: an HTTP header holds visible ASCII only, so a token
 * pasted with typographic quotes or a line break is refused here, by position, rather than by the HTTP
 * client with the whole token in its message.
 */
const bearerToken = z
  .string()
  .min(1, "must not be empty")
  .superRefine((token, ctx) => {
    const at = [...token].findIndex((c) => c < "!" || c > "~");
    if (at < 0) return;
    ctx.addIssue({
      code: "custom",
      message:
        `has ${characterName([...token][at]!)} at character ${at + 1}, which a token cannot hold (an HTTP ` +
        "header carries visible ASCII only); copy the token again, without quotes or spaces around it",
    });
  });

export const hubspotConnectionSchema = z.strictObject({
  accessToken: bearerToken,
  baseUrl: apiAddress.default("https://api.hubapi.com"),
  behaviourSource: z.enum(BEHAVIOUR_SOURCES).default("auto"),
  /**
   * The custom campaign property a portal keeps its campaigns' type in (HubSpot campaigns have no type of
   * their own); the campaigns report shows it as the campaign's type. Unset: no type from HubSpot.
   */
  campaignTypeProperty: z.string().regex(/^[a-z0-9_]+$/, "must be a property's internal name (lower case, digits, _)").optional(),
  /**
   * How often a large recycle bin is listed to follow deletions (ARCHITECTURE.md "One run", removals): HubSpot
   * lists it whole, a call per 100 records, so a bin past a few pages is not listed on every run.
   */
  recycleBinEvery: durationSchema.default(DEFAULT_RECYCLE_BIN_EVERY_MS),
});

export const salesforceConnectionSchema = z
  .strictObject({
    instanceUrl: apiAddress,
    accessToken: bearerToken.optional(),
    apiVersion: z
      .string()
      .regex(/^\d{2}\.0$/, 'must look like "62.0"')
      .refine((v) => Number(v) >= 46, "must be 46.0 or newer (sObject Collections upsert needs it)")
      .default("62.0"),
    oauth: z
      .strictObject({
        loginUrl: apiAddress,
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
      })
      .optional(),
    /** How far before the saved cursor change reads start (e.g. "5m"; "0s" turns it off); default 5 min. */
    lookback: durationOrZeroSchema.optional(),
  })
  .superRefine((sf, ctx) => {
    if (!sf.accessToken && !sf.oauth) {
      ctx.addIssue({ code: "custom", path: ["accessToken"], message: "give accessToken or oauth" });
    }
    if (sf.accessToken && sf.oauth) {
      ctx.addIssue({ code: "custom", path: ["oauth"], message: "give accessToken or oauth, not both" });
    }
  });

/** `report`: what `leadloop report` flags and measures against (README "Funnel reports"). */
export const reportSettingsSchema = z.strictObject({
  /** A conversion rate moving more than this against the previous period is flagged (0.1 = ten points). */
  rateShiftAlert: z.number().gt(0).max(1).default(0.1),
  /** Targets, e.g. `{ metric: mqls, per: quarter, value: 300 }`; shown with progress in the funnel report. */
  targets: z
    .array(
      z.strictObject({
        metric: z.enum(TARGET_METRICS),
        per: z.enum(TARGET_PERIODS),
        value: z.number().nonnegative(),
      }),
    )
    .default([]),
  /** Campaign name → campaign type (compared ignoring case, accents and spacing). */
  campaignTypes: z.record(z.string().min(1), z.string().min(1)).default({}),
});

export const leadloopConfigSchema = z
  .strictObject({
    hubspot: hubspotConnectionSchema,
    salesforce: salesforceConnectionSchema.optional(),
    crm: z.enum(CRM_KINDS).default("salesforce"),
    store: z
      .strictObject({
        path: z.string().min(1).default("./.leadloop/state.db"),
        // Days of audit rows kept (explain's "why does this field say X"); older rows are pruned by each run.
        auditRetentionDays: z.number().int().min(1).default(90),
      })
      .default({ path: "./.leadloop/state.db", auditRetentionDays: 90 }),
    mappings: z.string().min(1).default("./mappings"),
    qualification: z.string().min(1).default("./config/qualification.yaml"),
    routing: z.string().min(1).default("./config/routing.yaml"),
    sla: z.string().min(1).default("./config/sla.yaml"),
    schedule: z.strictObject({ every: durationSchema.default(DEFAULT_SCHEDULE_MS) }).default({ every: DEFAULT_SCHEDULE_MS }),
    sync: z
      .strictObject({
        /** Share of Salesforce's daily API allocation leadloop may use. */
        salesforceApiShare: z.number().gt(0).max(1).default(0.25),
        /**
         * Salesforce writes of one object and operation pending in the outbox (or in one write) above which
         * they go in Bulk API 2.0 jobs (outbox/drain.ts, systems/salesforce/adapter.ts).
         */
        bulkThreshold: z.number().int().positive().default(10_000),
        /** Which marketing contacts the CRM receives: MQLs (and people already linked), or all. */
        include: z.enum(["mql", "all"]).default("mql"),
        /** How many days of behaviour are read to score a person. */
        activityWindowDays: z.number().int().positive().max(3650).default(365),
        /** How long one API call keeps being retried (429s, 5xx, dropped connections) before the run stops. */
        retryPatience: durationSchema.default(DEFAULT_RETRY_PATIENCE_MS),
        /**
         * How long the systems' property lists and describes one process read serve the next ones (a cron
         * `leadloop sync`) under the same configuration files; "0s" reads them in every process.
         */
        descriptionsKeptFor: durationOrZeroSchema.default(DEFAULT_DESCRIPTIONS_KEPT_FOR_MS),
      })
      .default({
        salesforceApiShare: 0.25,
        bulkThreshold: 10_000,
        include: "mql",
        activityWindowDays: 365,
        retryPatience: DEFAULT_RETRY_PATIENCE_MS,
        descriptionsKeptFor: DEFAULT_DESCRIPTIONS_KEPT_FOR_MS,
      }),
    daemon: z
      .strictObject({
        /** Port of the ops console, /healthz and /metrics; 0 turns them off. */
        port: z.number().int().min(0).max(65535).default(9464),
        host: z.string().min(1).default("127.0.0.1"),
        /**
         * Bearer token for everything but /healthz (the console, its retry, /metrics). Required when `host`
         * is not a loopback address: the console shows people's emails and can re-send writes.
         */
        // Sent as a bearer token too (Prometheus, curl), so it holds what an HTTP header can carry.
        token: bearerToken
          .refine((t) => t.length >= 16, "must be at least 16 characters (e.g. `openssl rand -hex 24`)")
          .optional(),
      })
      .default({ port: 9464, host: "127.0.0.1" }),
    report: reportSettingsSchema.default({ rateShiftAlert: 0.1, targets: [], campaignTypes: {} }),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.crm === "salesforce" && !cfg.salesforce) {
      ctx.addIssue({ code: "custom", path: ["salesforce"], message: "required when crm is salesforce" });
    }
    if (!cfg.daemon.token && !isLoopbackHost(cfg.daemon.host)) {
      ctx.addIssue({
        code: "custom",
        path: ["daemon", "token"],
        message: `required when daemon.host (${cfg.daemon.host}) is not a loopback address: the console and /metrics would be open to the network`,
      });
    }
  });

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export type LeadloopConfig = z.output<typeof leadloopConfigSchema>;
export type HubspotConnection = z.output<typeof hubspotConnectionSchema>;
export type SalesforceConnection = z.output<typeof salesforceConnectionSchema>;
