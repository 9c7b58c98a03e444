// The live check of `validate --live`, in one place for the command and the daemon's console: the
// mappings against the systems' described objects, the qualification's disposition statuses against
// the CRM's lead status picklist, the contact and company properties the qualification reads against
// the portal's, and the funnel's custom fields on the CRM's person records.
import type { MappingProblem } from "../core/mapping-check.js";
import {
  checkDispositionsLive,
  checkFunnelFieldsLive,
  checkMappingsLive,
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
  ];
}
