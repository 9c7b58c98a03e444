// The schema of config/sla.yaml (version 1). Durations are written as in the rest of the configuration
// ("4h", "1d", "1h30m"). Only calendar time exists for now; the `clock` key lets a file say so, and
// leaves room for business hours later.
import { z } from "zod";
import { ALERT_RECIPIENTS } from "../core/sla/definition.js";
import { durationSchema, parseDuration } from "./duration.js";

export const SLA_VERSION = 1;

/** A duration kept as written, because the rep's alert task quotes it ("follow up within 4h"). */
const durationText = z
  .string()
  .trim()
  .refine((text) => (parseDuration(text) ?? 0) > 0, {
    error: (issue) => `"${String(issue.input)}" is not a duration (write e.g. 30m, 4h, 1d)`,
  });

/** A rep's email as routing.yaml writes it (any case, accents allowed). */
const repEmail = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: (issue) => `"${String(issue.input)}" is not an email address` });

export const slaFileSchema = z.strictObject({
  version: z.literal(SLA_VERSION, {
    error: (issue) =>
      issue.input === undefined ? "required key is missing" : `only version ${SLA_VERSION} exists`,
  }),
  clock: z
    .literal("calendar", { error: 'only "calendar" is supported (nights and weekends count)' })
    .default("calendar"),
  followUp: z.strictObject({ within: durationText }),
  touches: z.strictObject({ expected: z.number().int().positive(), within: durationSchema }).optional(),
  onBreach: z
    .strictObject({
      alert: z.boolean().default(true),
      alertTo: z
        .enum(ALERT_RECIPIENTS, { error: `one of ${ALERT_RECIPIENTS.join(", ")}` })
        .default("manager"),
      reroute: z.boolean().default(false),
      /** Rep email → manager email: who gets a `manager` alert (the CRM's own users have no such link here). */
      managers: z.record(repEmail, repEmail).default({}),
    })
    .default({ alert: true, alertTo: "manager", reroute: false, managers: {} }),
});

export type SlaFile = z.output<typeof slaFileSchema>;
