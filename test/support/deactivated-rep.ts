// A rep who left, as `errors list` and the console both meet her: Anaïs, handed off to Hélène and converted by
// her to a Contact, edited in HubSpot after Hélène's Salesforce user was deactivated, so a sync's field sync
// and qualification of the Contact and the follow-up task's close are refused (INACTIVE_OWNER_OR_USER).
import type { CliResult } from "./cli-run.js";
import { pricingAndDemo, REPS, seedAnais, seedReps } from "./funnel-harness.js";
import { type LoopHarness, tick } from "./loop-harness.js";

/** The Salesforce emulator stamps whole seconds: an edit after a run waits past leadloop's own write. */
export const SECOND_LATER_MS = 1_100;

export interface DeactivatedRepCase {
  reps: ReturnType<typeof seedReps>;
  personId: string;
  contactId: string;
  taskId: string;
}

/** Sets the case up through `sync` (the caller's CLI on the loop's configuration): the last one exits 4. */
export async function deactivatedRepsContact(loop: LoopHarness, sync: () => Promise<CliResult>): Promise<DeactivatedRepCase> {
  const reps = seedReps(loop);
  const personId = seedAnais(loop);
  pricingAndDemo(loop, personId);
  expect((await sync()).code).toBe(0);
  const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  await tick(SECOND_LATER_MS);
  const { contactId } = loop.salesforce.data.convertLead(String(lead.Id), { doNotCreateOpportunity: true });
  const taskId = String(loop.salesforce.data.list("Task")[0]!.Id);
  loop.salesforce.data.update("User", reps.get(REPS.emea.email)!.salesforce, { IsActive: false });
  loop.hubspot.data.updateObject("contacts", personId, { jobtitle: "Directrice Commerciale — Europe du Sud", phone: "+33 1 42 68 53 00" });
  await tick(SECOND_LATER_MS);
  expect((await sync()).code).toBe(4);
  return { reps, personId, contactId, taskId };
}
