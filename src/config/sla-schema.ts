// The schema of config/sla.yaml (version 1). Durations are written as in the rest of the configuration
// ("4h", "1d", "1h30m"). Only calendar time exists for now; the `clock` key lets a file say so, and
// leaves room for business hours later.
import { z } from "zod";
import { durationSchema, parseDuration } from "./duration.js";

export const SLA_VERSION = 1;

/** A duration kept as written, because the rep's alert task quotes it ("follow up within 4h"). */
const durationText = z
  .string()
  .trim()
  .refine((text) => (parseDuration(text) ?? 0) > 0, {
    error: (issue) => `"${String(issue.input)}" is not a duration (write e.g. 30m, 4h, 1d)`,
  });

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
    .strictObject({ alert: z.boolean().default(true), reroute: z.boolean().default(false) })
    .default({ alert: true, reroute: false }),
});

export type SlaFile = z.output<typeof slaFileSchema>;
