// POST /crm/v3/properties/{objectType}/batch/create: several custom properties of one object in one call
// ("Create a batch of properties using the same rules as when creating an individual property", properties
// API reference). Each input answers to the single create's rules (property-create-rules.ts). What HubSpot
// does when one input is refused is not documented (FIDELITY.md, properties row): by default the emulator
// refuses the whole batch and makes none of it, the strictest reading; `propertyBatchRefusals: "per input"`
// makes the others and answers 207 with an error entry for each one refused.
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError } from "../errors.js";
import type { NewPropertyDefinition } from "../hubspot-data.js";
import type { PropertyDefinition } from "../property-definitions.js";
import { checkedPropertyCreate } from "../property-create-rules.js";
import { parseBody, propertyBatchCreate } from "../request-schemas.js";
import { inputError } from "./batch-routes.js";
import { batchResponse, checkBatchSize, type HubspotContext, objectTypeParam, route } from "./route-helpers.js";

export function addPropertyBatchRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const { data } = ctx;

  api.add(
    "POST",
    "/crm/v3/properties/:objectType/batch/create",
    route((req) => {
      const type = objectTypeParam(req);
      const startedAt = new Date();
      const { inputs } = parseBody(propertyBatchCreate, req.body);
      checkBatchSize(inputs);
      refuseNamesGivenTwice(inputs);
      const check = (input: unknown) => checkedPropertyCreate(data, ctx.propertyGroups, type, input);
      if (ctx.propertyBatchRefusals === "per input") {
        const results: PropertyDefinition[] = [];
        const errors: ReturnType<typeof inputError>[] = [];
        inputs.forEach((input, i) => {
          try {
            results.push(data.createProperty(type, check(input)));
          } catch (err) {
            errors.push(inputError(err, i, {}));
          }
        });
        return batchResponse(201, startedAt, results, errors);
      }
      // Every input checked, its name free, before any is made: a refusal leaves the portal as it was.
      const definitions: NewPropertyDefinition[] = inputs.map(check);
      for (const d of definitions) data.refuseTakenPropertyName(type, d.name);
      return batchResponse(201, startedAt, definitions.map((d) => data.createProperty(type, d)), []);
    }),
  );
}

/**
 * A name given twice in one batch is refused as a whole (the emulator's reading and wording: the reference
 * is silent, and the objects' batch endpoints refuse an id given twice).
 */
function refuseNamesGivenTwice(inputs: readonly unknown[]): void {
  const seen = new Set<string>();
  for (const input of inputs) {
    const name = (input as { name?: unknown } | null)?.name;
    if (typeof name !== "string") continue;
    if (seen.has(name)) {
      throw new HubspotApiError(400, "VALIDATION_ERROR", `The property '${name}' is given more than once in this batch`, { name: [name] });
    }
    seen.add(name);
  }
}
