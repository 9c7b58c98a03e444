// The live check of `validate --live`, in one place for the command and the daemon's console: the
// mappings against the systems' described objects, the qualification's disposition statuses against
// the CRM's lead status picklist, the contact and company properties the qualification reads against
// the portal's, the funnel's custom fields on the CRM's person records, and the reps the routing and the
// SLA name against the systems' owners.
import type { MappingProblem } from "../core/mapping-check.js";
import {
  checkDispositionsLive,
  checkFunnelFieldsLive,
  checkMappingsLive,
  checkNamedRepsLive,
  checkQualificationFieldsLive,
} from "../sync/check-mappings.js";
import type { Wiring } from "./compose.js";

export async function checkLive(wiring: Wiring): Promise<MappingProblem[]> {
  const qualification = wiring.funnel.qualification.definition;
  return [
    ...(await checkMappingsLive(wiring.mappings, wiring.marketing, wiring.crm)),
    ...(await checkQualificationFieldsLive(qualification, wiring.config.qualification, wiring.marketing)),
    ...(await checkDispositionsLive(
      qualification.dispositions,
      wiring.config.qualification,
      wiring.crm,
      wiring.funnel.vocabulary.status,
    )),
    ...(wiring.funnel.crmIsMarketing
      ? []
      : await checkFunnelFieldsLive(wiring.funnel.vocabulary, wiring.config.qualification, wiring.crm)),
    ...(await checkNamedRepsLive(
      { routing: wiring.funnel.routing, routingSource: wiring.config.routing, managers: wiring.funnel.sla.onBreach.managers, slaSource: wiring.config.sla },
      { system: wiring.crm.system, ownersByEmail: (emails) => wiring.funnel.vocabulary.ownersByEmail(emails) },
      wiring.funnel.crmIsMarketing ? null : { system: wiring.marketing.system, ownersByEmail: wiring.funnel.marketingOwnersByEmail },
    )),
  ];
}
