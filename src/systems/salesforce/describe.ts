// sObject Describe → ObjectDescription, cached per object for the adapter's life (REST API Developer Guide,
// "sObject Describe"; field properties: SOAP API Developer Guide, "DescribeSObjectResult" Field). The
// objects a run describes are asked together in one Composite call, which takes sObject resources.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
import { z } from "zod";
import type { FieldDescription, FieldType, ObjectDescription } from "../../core/object-schema.js";
import { DescriptionLedger } from "../../sync/description-ledger.js";
import type { DescriptionChanges, DescriptionKeeping, KeptDescription } from "../../sync/kept-descriptions.js";
import { type Clock, dateOf } from "../clock.js";
import { compositeUnanswered, MAX_SUBREQUESTS, sendGets } from "./composite.js";
import type { SalesforceClient } from "./connection.js";
import { documentedAnswer, SYSTEM } from "./errors.js";
import { soqlName } from "./soql.js";

/** The keys of a field leadloop reads; a describe's others are Salesforce's own. */
const describeFieldKeys = {
  name: z.string(),
  label: z.string(),
  type: z.string(),
  nillable: z.boolean(),
  createable: z.boolean(),
  updateable: z.boolean(),
  defaultedOnCreate: z.boolean().default(false),
  length: z.number().optional(),
  restrictedPicklist: z.boolean().default(false),
  picklistValues: z
    .array(z.object({ value: z.string(), active: z.boolean(), defaultValue: z.boolean().default(false) }).loose())
    .default([]),
  defaultValue: z.union([z.string(), z.boolean(), z.number(), z.null()]).optional(),
  externalId: z.boolean().default(false),
  unique: z.boolean().default(false),
};
const describeField = z.object(describeFieldKeys).loose();
const describeResult = z.object({ name: z.string(), fields: z.array(describeField) }).loose();
/** A describe as the store keeps it (sync/kept-descriptions.ts): the keys leadloop reads, no others. */
const keptDescribe = z.object({ name: z.string(), fields: z.array(z.object(describeFieldKeys)) });
type KeptDescribe = z.infer<typeof keptDescribe>;

type DescribeField = z.infer<typeof describeField>;

/** Salesforce describe types → leadloop's closed set; unlisted types (encryptedstring, combobox…) read as text. */
const TYPE_MAP: Readonly<Record<string, FieldType>> = {
  id: "id",
  reference: "reference",
  string: "string",
  encryptedstring: "string",
  textarea: "textarea",
  email: "email",
  phone: "phone",
  url: "url",
  picklist: "picklist",
  combobox: "picklist",
  multipicklist: "multipicklist",
  boolean: "boolean",
  int: "number",
  long: "number",
  double: "number",
  currency: "number",
  percent: "number",
  date: "date",
  datetime: "datetime",
};
const TEXT_TYPES = new Set<FieldType>([
  "string",
  "textarea",
  "email",
  "phone",
  "url",
  "picklist",
  "multipicklist",
]);

export interface DescribedObject {
  /** The object's API name as Salesforce spells it. */
  name: string;
  description: ObjectDescription;
  /** Lower-cased field name → its API name and Salesforce type (`double`, `datetime` …). */
  fields: ReadonlyMap<string, { name: string; sfType: string }>;
}

/**
 * The objects a sync describes (the shipped mappings' and the handoff's tasks): the first describe of any
 * of them asks for all in one call, so a process's first run spends one call on describes, not five.
 */
export const DESCRIBED_TOGETHER: readonly string[] = ["Lead", "Contact", "Account", "Opportunity", "Task"];

export class DescribeCache implements DescriptionKeeping {
  private readonly cache = new Map<string, Promise<DescribedObject>>();
  /** The describes held, as the store keeps them, by lower-cased name. */
  private readonly answers = new Map<string, KeptDescribe>();
  /** Lower-cased name → the name as given. */
  private readonly together: ReadonlyMap<string, string>;
  private togetherRead: Promise<void> | undefined;
  private readonly ledger = new DescriptionLedger(SYSTEM, {
    key: (object) => object.toLowerCase(),
    hold: (key, answer) => {
      const parsed = keptDescribe.safeParse(answer);
      if (!parsed.success || this.cache.has(key)) return false;
      this.hold(key, parsed.data);
      return true;
    },
    held: (key) => {
      const answer = this.answers.get(key);
      return Promise.resolve(answer && { object: answer.name, answer });
    },
    drop: (key) => {
      this.cache.delete(key);
      this.answers.delete(key);
      // The objects described together are read together again: one call, not one for the dropped object.
      this.togetherRead = undefined;
    },
  });

  constructor(
    private readonly client: SalesforceClient,
    private readonly clock: Clock,
  ) {
    this.together = new Map(DESCRIBED_TOGETHER.map((o) => [o.toLowerCase(), o]));
  }

  async get(object: string): Promise<DescribedObject> {
    const key = object.toLowerCase();
    if (!this.cache.has(key) && this.together.has(key)) {
      // A failure that is not the Composite resource's alone (auth, the daily limit) fails this describe
      // as its own call would, and the next describe asks again.
      this.togetherRead ??= this.readTogether().catch((err: unknown) => {
        this.togetherRead = undefined;
        throw err;
      });
      await this.togetherRead;
    }
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.load(object);
      // A failed describe is not cached: the next call asks again.
      entry.catch(() => this.cache.delete(key));
      this.cache.set(key, entry);
    }
    return entry;
  }

  /**
   * A write was refused for a field `object`'s describe holds, a type or picklist it gave
   * (DescriptionLedger.doubt; ARCHITECTURE.md "Kept descriptions").
   */
  doubt(object: string): void {
    this.ledger.doubt(object.toLowerCase());
  }

  /**
   * A query or a write was refused for a column the kept describe listed (the field deleted since): the
   * object the refusal names (a query's "No such column 'X' on entity 'Lead'", REST API Developer Guide,
   * "Status Codes and Error Responses"; a write's "No such column 'X' on sobject of type Lead"), or every
   * described object when it names none (`within`, a write's object, when given), is read again by the
   * next run. True when the describe held listed the column: the org dropped it since, rather than a
   * mapping naming a field it never had (errors.ts `columnGone`).
   */
  doubtNamedIn(message: string, within?: string): boolean {
    const named = /No such column '([^']+)' on (?:entity '([^']+)'|sobject of type (\w+))/.exec(message);
    const entity = named?.[2] ?? named?.[3] ?? /on entity '([^']+)'/.exec(message)?.[1] ?? within;
    const column = named?.[1]?.toLowerCase();
    const listed = column !== undefined && entity !== undefined &&
      (this.answers.get(entity.toLowerCase())?.fields.some((f) => f.name.toLowerCase() === column) ?? false);
    for (const key of entity ? [entity.toLowerCase()] : this.cache.keys()) this.doubt(key);
    return listed;
  }

  recall(kept: readonly KeptDescription[]): void {
    this.ledger.recall(kept);
  }

  takeChanges(): Promise<DescriptionChanges> {
    return this.ledger.takeChanges();
  }

  /**
   * The objects described together, in composite calls. What a subrequest could not describe (an object
   * the user cannot see, a server without the Composite resource) is left to its own describe, which
   * reports the error as it always did.
   */
  private async readTogether(): Promise<void> {
    const objects = [...this.together].filter(([key]) => !this.cache.has(key));
    if (objects.length < 2) return;
    const root = this.client.versionRoot();
    for (let i = 0; i < objects.length; i += MAX_SUBREQUESTS) {
      const part = objects.slice(i, i + MAX_SUBREQUESTS);
      const askedAt = dateOf(this.clock);
      let answers;
      try {
        answers = await sendGets(
          this.client,
          part.map(([, object], n) => ({ url: `${root}/sobjects/${soqlName(object)}/describe`, referenceId: `d${n}` })),
          "describe",
        );
      } catch (err) {
        // A server without the resource (a 404), or an answer not of its documented shape: each object
        // is described on its own instead.
        if (compositeUnanswered(err)) return;
        throw err;
      }
      part.forEach(([key], n) => {
        const answer = answers.get(`d${n}`);
        const parsed = answer?.status === 200 ? describeResult.safeParse(answer.body) : undefined;
        if (parsed?.success) this.read(key, parsed.data, askedAt);
      });
    }
  }

  private async load(object: string): Promise<DescribedObject> {
    const askedAt = dateOf(this.clock);
    const raw = await this.client.call<unknown>({
      method: "GET",
      path: `/sobjects/${soqlName(object)}/describe`,
      idempotent: true,
      purpose: "describe",
    });
    return this.read(object.toLowerCase(), documentedAnswer(describeResult, raw, "UNEXPECTED_DESCRIBE", `describe of ${object}`), askedAt);
  }

  /** A describe Salesforce answered, asked at `askedAt`, noted for the store to keep. */
  private read(key: string, result: z.infer<typeof describeResult>, askedAt: number): DescribedObject {
    const described = this.hold(key, keptDescribe.parse(result));
    this.ledger.read(key, askedAt);
    return described;
  }

  private hold(key: string, answer: KeptDescribe): DescribedObject {
    this.answers.set(key, answer);
    const object = described(answer);
    this.cache.set(key, Promise.resolve(object));
    return object;
  }
}

function described(result: KeptDescribe): DescribedObject {
  return {
    name: result.name,
    fields: new Map(result.fields.map((f) => [f.name.toLowerCase(), { name: f.name, sfType: f.type }])),
    description: {
      system: SYSTEM,
      object: result.name,
      fields: result.fields.map(toFieldDescription),
    },
  };
}

function toFieldDescription(f: DescribeField): FieldDescription {
  const type = TYPE_MAP[f.type] ?? "string";
  const out: FieldDescription = {
    name: f.name,
    label: f.label,
    type,
    // Required on create: SOAP API "Field" — not nillable, not defaulted on create, and createable.
    required: !f.nillable && !f.defaultedOnCreate && f.createable,
    createable: f.createable,
    updateable: f.updateable,
    externalId: f.externalId,
    unique: f.unique,
  };
  if (TEXT_TYPES.has(type) && f.length) out.length = f.length;
  if (f.restrictedPicklist) out.picklistValues = f.picklistValues.filter((p) => p.active).map((p) => p.value);
  const defaultValue = createDefault(f);
  if (defaultValue !== null) out.defaultValue = defaultValue;
  return out;
}

/**
 * The value Salesforce gives a field on create when the write leaves it out: the field's `defaultValue`
 * (a checkbox's true/false), or for a picklist the active value marked `defaultValue` (DescribeFieldResult
 * and PicklistEntry in the SOAP API Developer Guide).
 */
function createDefault(f: DescribeField): string | null {
  if (f.type === "boolean") return typeof f.defaultValue === "boolean" ? String(f.defaultValue) : null;
  if (typeof f.defaultValue === "string" && f.defaultValue !== "") return f.defaultValue;
  return f.picklistValues.find((p) => p.active && p.defaultValue)?.value ?? null;
}
