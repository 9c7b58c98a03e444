// The schema of config/sla.yaml (version 1). Durations are written as in the rest of the configuration
// ("4h", "1d", "1h30m"); `clock: business` counts them in the working hours of `businessHours`.
import { z } from "zod";
import { ALERT_RECIPIENTS, WEEKDAYS } from "../core/sla/index.js";
import { durationSchema, parseDuration } from "./duration.js";

export const SLA_VERSION = 1;

/** A duration kept as written, because the rep's alert task quotes it ("follow up within 4h"). */
const durationText = z
  .string()
  .trim()
  .refine((text) => (parseDuration(text) ?? 0) > 0, {
    error: (issue) => `"${String(issue.input)}" is not a duration (write e.g. 30m, 4h, 1d)`,
  });

/** "09:00" → minutes after midnight. */
const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: (issue) => `"${String(issue.input)}" is not a time of day (write e.g. 09:00)` })
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
  clock: z.enum(["calendar", "business"], { error: 'one of calendar, business' }).default("calendar"),
  businessHours: z
    .strictObject({
      timezone: z.string().refine(isTimeZone, {
        error: (issue) => `"${String(issue.input)}" is not a time zone (write e.g. Europe/Paris, America/New_York)`,
      }),
      days: z
        .array(z.enum(WEEKDAYS, { error: `one of ${WEEKDAYS.join(", ")}` }))
        .min(1)
        .default(["mon", "tue", "wed", "thu", "fri"]),
      start: clockTime,
      end: clockTime,
    })
    .refine((h) => h.start < h.end, { error: "start must be before end", path: ["end"] })
    .optional(),
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

export const slaSchema = slaFileSchema.superRefine((file, ctx) => {
  if (file.clock === "business" && !file.businessHours)
    ctx.addIssue({ code: "custom", path: ["businessHours"], message: "required with clock: business" });
  if (file.clock === "calendar" && file.businessHours)
    ctx.addIssue({ code: "custom", path: ["clock"], message: "business hours are given: set clock: business to use them" });
});

export type SlaFile = z.output<typeof slaFileSchema>;
