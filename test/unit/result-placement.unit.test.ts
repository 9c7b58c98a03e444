// A HubSpot batch answer's results, in no promised order and without trace ids, placed on the inputs
// they answer (src/systems/hubspot/result-placement.ts): by the values written, and never one input's
// record to another whose write the result cannot tell apart from it.
import { type PlacedInput, placeResults } from "../../src/systems/hubspot/result-placement.js";
import type { SimpleObject } from "../../src/systems/hubspot/schemas.js";

const dealFor = (traceId: string, associations: string): PlacedInput => ({
  traceId,
  key: undefined,
  keyProperty: undefined,
  // Two deals a mapping without a stamp makes alike: the same name, stage and amount.
  properties: { dealname: "Renouvellement — Société Générale", dealstage: "appointmentscheduled", amount: "12000" },
  associations,
});
const created = (id: string, amount = "12000"): SimpleObject => ({
  id,
  properties: { dealname: "Renouvellement — Société Générale", dealstage: "appointmentscheduled", amount, hs_object_id: id },
});
const toContact = (id: string) => JSON.stringify([{ to: { id }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 3 }] }]);

it("places results of alike writes on either input when they are associated with the same records", () => {
  const inputs = [dealFor("0", toContact("501")), dealFor("1", toContact("501"))];
  const placed = placeResults(inputs, new Set([0, 1]), [created("9002"), created("9001")]);
  expect(new Set([...placed.values()].map((r) => r.id))).toEqual(new Set(["9001", "9002"]));
});

it("places no result on writes alike but for their associations, which a result does not show", () => {
  const inputs = [dealFor("0", toContact("501")), dealFor("1", toContact("502"))];
  expect(placeResults(inputs, new Set([0, 1]), [created("9002"), created("9001")]).size).toBe(0);
});

it("places each result by the value that tells the writes apart, whatever the answer's order", () => {
  const inputs = [dealFor("0", toContact("501")), { ...dealFor("1", toContact("502")), properties: { ...dealFor("1", "").properties, amount: "15000.0" } }];
  const placed = placeResults(inputs, new Set([0, 1]), [created("9002", "15000"), created("9001")]);
  expect(placed.get(0)?.id).toBe("9001");
  expect(placed.get(1)?.id).toBe("9002");
});
