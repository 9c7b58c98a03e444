// Where `leadloop forecast`'s model applies: the bench measures its calls with Salesforce as the CRM
// (core/forecast/measured-rates.ts), so with `crm: hubspot` the forecast, with or without `--live`, says
// so and prices nothing (README "forecast").
import { UsageError } from "./usage-error.js";

/**
 * The refusal of a forecast for a configuration with HubSpot as the CRM: leadloop then calls no
 * Salesforce, and its HubSpot calls are another run's (no field sync; the handoff's tasks, the owners and
 * the deals in HubSpot), which the bench has not measured, so the model's figures would price calls that
 * mode never makes and leave out the ones it does. Said before any call.
 */
export function hubspotCrmRefusal(command: "forecast" | "forecast --live", file: string): UsageError {
  return new UsageError(
    `${command}: ${file} has crm: hubspot, where the forecast does not apply: its calls are measured by the bench ` +
      "with Salesforce as the CRM, and with HubSpot as the CRM leadloop makes no Salesforce call and other HubSpot calls " +
      "(no field sync; the handoff's tasks, owners and deals in HubSpot). Nothing was counted.",
  );
}
