// The schema of leadloop.yaml. These keys are a public contract: later keys may be added, these keep
// their meaning. Paths in the file are resolved against the file's own folder by the loader.
import { z } from "zod";
import { durationOrZeroSchema, durationSchema } from "./duration.js";

export const CRM_KINDS = ["salesforce", "hubspot"] as const;
export type CrmKind = (typeof CRM_KINDS)[number];

/** Five minutes: long enough to ride out a few of HubSpot's ten-second windows or a Salesforce restart. */
const DEFAULT_RETRY_PATIENCE_MS = 300_000;

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const hubspotConnectionSchema = z.strictObject({
  accessToken: z.string().min(1, "must not be empty"),
  baseUrl: httpUrl.default("https://api.hubapi.com"),
});

export const salesforceConnectionSchema = z
  .strictObject({
    instanceUrl: httpUrl,
    accessToken: z.string().min(1, "must not be empty").optional(),
    apiVersion: z
      .string()
      .regex(/^\d{2}\.0$/, 'must look like "62.0"')
      .refine((v) => Number(v) >= 46, "must be 46.0 or newer (sObject Collections upsert needs it)")
      .default("62.0"),
    oauth: z
      .strictObject({
        loginUrl: httpUrl,
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
    schedule: z.strictObject({ every: durationSchema.default(300_000) }).default({ every: 300_000 }),
    sync: z
      .strictObject({
        /** Share of Salesforce's daily API allocation leadloop may use. */
        salesforceApiShare: z.number().gt(0).max(1).default(0.25),
        /** Records in one write above which Salesforce Bulk API 2.0 is used. */
        bulkThreshold: z.number().int().positive().default(10_000),
        /** Which marketing contacts the CRM receives: MQLs (and people already linked), or all. */
        include: z.enum(["mql", "all"]).default("mql"),
        /** How many days of behaviour are read to score a person. */
        activityWindowDays: z.number().int().positive().max(3650).default(365),
        /** How long one API call keeps being retried (429s, 5xx, dropped connections) before the run stops. */
        retryPatience: durationSchema.default(DEFAULT_RETRY_PATIENCE_MS),
      })
      .default({
        salesforceApiShare: 0.25,
        bulkThreshold: 10_000,
        include: "mql",
        activityWindowDays: 365,
        retryPatience: DEFAULT_RETRY_PATIENCE_MS,
      }),
    daemon: z
      .strictObject({
        /** Port of /healthz and /metrics on 127.0.0.1; 0 turns them off. */
        port: z.number().int().min(0).max(65535).default(9464),
        host: z.string().default("127.0.0.1"),
      })
      .default({ port: 9464, host: "127.0.0.1" }),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.crm === "salesforce" && !cfg.salesforce) {
      ctx.addIssue({ code: "custom", path: ["salesforce"], message: "required when crm is salesforce" });
    }
  });

export type LeadloopConfig = z.output<typeof leadloopConfigSchema>;
export type HubspotConnection = z.output<typeof hubspotConnectionSchema>;
export type SalesforceConnection = z.output<typeof salesforceConnectionSchema>;
