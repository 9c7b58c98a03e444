// Whether the CRM's status object has the field a rep types a verdict's reason in (Salesforce's
// Leadloop_Disposition_Reason__c, a custom field the README's setup asks admins to create). An org that
// upgraded leadloop without creating it still takes verdicts: the run reads and writes the lead status
// without the field, each verdict gets its map's reason as before the field existed, and one warning a run
// names what to create. It is a degradation, not a refusal (nothing is held back, nothing waits for a
// retry), so it makes no error-queue entry (ARCHITECTURE.md "One run", step 4).
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";

const NONE: ReadonlySet<string> = new Set();

/**
 * The run's `fieldsLeftOut` (RunContext): on the CRM's status object, the disposition reason when the
 * object's describe shows no such field; nothing anywhere else. The describe is asked the first time a
 * phase reads the object or the drain writes to it, not before: the adapter keeps describes for its life
 * and a write describes the object anyway, and a window the run found empty reads nothing, so an idle run
 * asks no describe. Not asked where leadloop makes its own fields (HubSpot as the CRM).
 */
export function fieldsTheCrmLacks(
  ctx: RunContext,
  setup: FunnelSetup,
): (system: string, object: string) => Promise<ReadonlySet<string>> {
  const { status, fields, fieldsMadeByAdmin } = setup.vocabulary;
  const reason = fields.dispositionReason;
  let lacking: Promise<ReadonlySet<string>> | undefined;
  return (system, object) => {
    if (!reason || !fieldsMadeByAdmin || system !== ctx.crm.system || object.toLowerCase() !== status.object.toLowerCase())
      return Promise.resolve(NONE);
    lacking ??= described(ctx, status.object, reason);
    return lacking;
  };
}

/** The reason field as the run reads it on the status object: null when the vocabulary has none or the CRM lacks it. */
export async function dispositionReasonField(ctx: RunContext, setup: FunnelSetup): Promise<string | null> {
  const field = setup.vocabulary.fields.dispositionReason;
  if (!field) return null;
  const lacks = await ctx.fieldsLeftOut?.(ctx.crm.system, setup.vocabulary.status.object);
  return lacks?.has(field) ? null : field;
}

async function described(ctx: RunContext, object: string, field: string): Promise<ReadonlySet<string>> {
  // Field names are case-insensitive in Salesforce, as in its describe.
  const wanted = field.toLowerCase();
  if ((await ctx.crm.describe(object)).fields.some((f) => f.name.toLowerCase() === wanted)) return NONE;
  ctx.log.warn("disposition.reason_field_missing", {
    object,
    field,
    message:
      `the ${ctx.crm.system} object ${object} has no field ${field}: verdicts are read without the rep's words and ` +
      `take the dispositions map's reason; create the field as the README's Salesforce setup says ` +
      "(`leadloop validate --live` lists what the org lacks)",
  });
  return new Set([field]);
}
