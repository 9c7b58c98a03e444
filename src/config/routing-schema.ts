// The schema of config/routing.yaml (version 1). Emails are trimmed and lower-cased here because reps
// are matched by email across systems. Checks that need the whole file (a rule naming a queue that does
// not exist, a country that is not one) are in routing-file.ts, where they get a line and a key.
import { z } from "zod";

export const ROUTING_VERSION = 1;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

export const emailSchema = z
  .string()
  .trim()
  .refine((text) => EMAIL.test(text), {
    error: (issue) => `"${String(issue.input)}" is not an email address (write e.g. ana.lopez@example.com)`,
  })
  .transform((text) => text.toLowerCase());

const words = z.array(z.union([z.string().trim().min(1), z.number().transform(String)])).min(1);

const countSchema = z.number().int().nonnegative();

const whenSchema = z.strictObject({
  /** ISO 3166-1 alpha-2/alpha-3 codes or country names, in any case and with or without accents. */
  country: words.optional(),
  state: words.optional(),
  employees: z
    .strictObject({ min: countSchema.optional(), max: countSchema.optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, { error: "give min, max or both" })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      error: "min is larger than max",
    })
    .optional(),
  industry: words.optional(),
});

const assignSchema = z
  .strictObject({ rep: emailSchema.optional(), queue: z.string().trim().min(1).optional() })
  .refine((a) => (a.rep === undefined) !== (a.queue === undefined), {
    error: "assign needs exactly one of rep or queue",
  });

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: "use letters, digits, -, _ and . (e.g. emea-enterprise)",
  }),
  description: z.string().trim().min(1),
  when: whenSchema.default({}),
  assign: assignSchema,
});

export const routingFileSchema = z.strictObject({
  version: z.literal(ROUTING_VERSION, {
    error: (issue) =>
      issue.input === undefined ? "required key is missing" : `only version ${ROUTING_VERSION} exists`,
  }),
  /** Queue name → member emails, in round-robin order. */
  queues: z.record(z.string().min(1), z.array(emailSchema).min(1)).default({}),
  rules: z.array(ruleSchema).default([]),
  fallback: emailSchema,
  keepAccountOwner: z.boolean().default(true),
});

export type RoutingFile = z.output<typeof routingFileSchema>;
