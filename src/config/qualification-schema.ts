// The schema of config/qualification.yaml (version 1). A condition is written as a field and one test
// (`{ field: jobtitle, matches: "vp|director" }`) or as `all:`/`any:`/`not:` over such field tests;
// patterns are compiled here so a bad regular expression is reported at its line.
import { z } from "zod";
import { DISPOSITION_MEANINGS } from "../core/funnel/dispositions.js";
import { DEFAULT_ACTIVITY_PROPERTIES } from "../core/scoring/activity-properties.js";
import { FIELD_SOURCES, RULE_ACTIVITY_KINDS } from "../core/scoring/definition.js";
import { resolveCountry } from "../core/transforms/country-names.js";

export const QUALIFICATION_VERSION = 1;

/** The tests a field condition can make; exactly one per condition. */
export const FIELD_TESTS = [
  "matches",
  "in",
  "equals",
  "range",
  "greaterThan",
  "present",
  "domainIn",
  "countryIn",
] as const;

const regex = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern, "i");
    } catch (err) {
      // The engine's message starts with the pattern; keep only what is wrong with it.
      const why = String((err as Error).message)
        .split(": ")
        .pop();
      ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${why}` });
    }
  });

const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const ruleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "a rule id is lower-case letters, digits, - and _, e.g. pricing-page");
const days = z.number().positive("must be more than 0 days");

const fieldTest = {
  of: z.enum(FIELD_SOURCES).default("person"),
  field: z.string().min(1).optional(),
  matches: regex.optional(),
  in: z.array(scalarText).min(1).optional(),
  equals: scalarText.optional(),
  range: z
    .strictObject({ min: z.number().optional(), max: z.number().optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, "give min, max or both")
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, "min is above max")
    .optional(),
  greaterThan: z.number().optional(),
  present: z.boolean().optional(),
  domainIn: z.array(z.string().min(1)).min(1).optional(),
  // Countries in any spelling, kept as their alpha-2 codes; one that names no country is refused here.
  countryIn: z
    .array(
      z
        .string()
        .min(1)
        .transform((name, ctx) => {
          const code = resolveCountry(name);
          if (code) return code;
          ctx.addIssue({ code: "custom", message: `"${name}" is not a country name or ISO 3166 code` });
          return z.NEVER;
        }),
    )
    .min(1)
    .optional(),
};

function checkFieldTest(c: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const tests = FIELD_TESTS.filter((t) => c[t] !== undefined);
  if (tests.length !== 1) {
    ctx.addIssue({
      code: "custom",
      message:
        tests.length === 0
          ? `give one test: ${FIELD_TESTS.join(", ")}`
          : `give one test per condition, not ${tests.join(" and ")}; combine conditions with all:`,
    });
  }
  if (c.field === undefined)
    ctx.addIssue({ code: "custom", message: "required key is missing", path: ["field"] });
}

const fieldCondition = z.strictObject(fieldTest).superRefine(checkFieldTest);

export const conditionSchema = z
  .strictObject({
    ...fieldTest,
    all: z.array(fieldCondition).min(1).optional(),
    any: z.array(fieldCondition).min(1).optional(),
    not: fieldCondition.optional(),
  })
  .superRefine((c, ctx) => {
    const combinators = (["all", "any", "not"] as const).filter((k) => c[k] !== undefined);
    if (combinators.length === 0) return checkFieldTest(c, ctx);
    const mixed = c.field !== undefined || FIELD_TESTS.some((t) => c[t] !== undefined);
    if (combinators.length > 1 || mixed) {
      ctx.addIssue({
        code: "custom",
        message: "a condition is a field test or one of all, any, not; not both",
      });
    }
  });
export type ConditionInput = z.output<typeof conditionSchema>;

const common = { id: ruleId, description: z.string().min(1) };

export const fitRuleSchema = z.strictObject({
  ...common,
  points: z.number(),
  when: conditionSchema,
  required: z.boolean().default(false),
});

const negativeRuleSchema = z
  .strictObject({
    ...common,
    points: z.number().max(0, "negative rules take away points: 0 or less").default(0),
    disqualify: z.boolean().default(false),
    when: conditionSchema,
  })
  .refine((r) => r.points < 0 || r.disqualify, "give negative points, disqualify: true, or both");

const behaviourRuleSchema = z
  .strictObject({
    ...common,
    points: z.number().positive("behaviour points are more than 0; use a negative rule to take away"),
    activity: z.enum(RULE_ACTIVITY_KINDS),
    match: z
      .strictObject({
        url: regex.optional(),
        title: regex.optional(),
        form: regex.optional(),
        email: regex.optional(),
        cta: regex.optional(),
        properties: z.record(z.string().min(1), regex).optional(),
      })
      .optional(),
    cap: z.number().positive().optional(),
    withinDays: days.optional(),
    countAtLeast: z.number().int().min(2).optional(),
    inDays: days.optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.countAtLeast === undefined) !== (r.inDays === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "countAtLeast and inDays go together (e.g. 3 visits in 7 days)",
        path: [r.countAtLeast === undefined ? "inDays" : "countAtLeast"],
      });
    }
    if (r.countAtLeast !== undefined && r.cap !== undefined) {
      ctx.addIssue({ code: "custom", message: "a count rule pays once; cap has no effect", path: ["cap"] });
    }
  });

// A status that is no verdict yet (a new or open lead) is declared with `disposition: none`, so a status
// the map does not list at all can be reported instead of ignored.
const dispositionMap = z.record(
  z.string().min(1),
  z
    .strictObject({ disposition: z.enum(DISPOSITION_MEANINGS), reason: z.string().min(1).optional() })
    .superRefine((e, ctx) => {
      if (e.disposition !== "none" && e.reason === undefined)
        ctx.addIssue({ code: "custom", message: "required key is missing", path: ["reason"] });
    }),
);

const propertyNames = z.array(z.string().min(1)).min(1);

// After a recycle or unreachable verdict, days before the person may be handed off again.
export const recycleSchema = z
  .strictObject({ coolDownDays: z.number().int("a whole number of days").min(0, "0 days or more") })
  .default({ coolDownDays: 30 });

export const qualificationFileSchema = z.strictObject({
  version: z.literal(QUALIFICATION_VERSION, {
    error: (issue) =>
      issue.input === undefined
        ? "required key is missing"
        : `must be ${QUALIFICATION_VERSION}, the qualification version this leadloop reads`,
  }),
  thresholds: z.strictObject({
    mql: z.number().positive(),
    behaviour: z.number().min(0),
    fitMinimum: z.number().optional(),
  }),
  decay: z.strictObject({ halfLifeDays: days }).optional(),
  requiredForHandoff: z.array(z.string().min(1)).default([]),
  activityProperties: z
    .strictObject({
      url: propertyNames.optional(),
      title: propertyNames.optional(),
      form: propertyNames.optional(),
      email: propertyNames.optional(),
      cta: propertyNames.optional(),
    })
    .default({})
    .transform((p) => ({ ...DEFAULT_ACTIVITY_PROPERTIES, ...p })),
  fit: z.array(fitRuleSchema).default([]),
  behaviour: z.array(behaviourRuleSchema).default([]),
  negative: z.array(negativeRuleSchema).default([]),
  customers: z.strictObject({ threshold: z.number(), rules: z.array(fitRuleSchema).min(1) }).optional(),
  dispositions: z
    .strictObject({ salesforce: dispositionMap.optional(), hubspot: dispositionMap.optional() })
    .default({}),
  recycle: recycleSchema,
});
export type QualificationFile = z.output<typeof qualificationFileSchema>;
