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

it("places each result on the first open input its id or key names, ignoring case and outer spaces, in any order", () => {
  const update = (traceId: string, id: string): PlacedInput => ({
    traceId,
    key: id,
    keyProperty: undefined,
    properties: { lifecyclestage: "marketingqualifiedlead" },
    associations: "[]",
  });
  const upsert = (traceId: string, email: string): PlacedInput => ({
    traceId,
    key: email,
    keyProperty: "email",
    properties: { email, firstname: "Zoë" },
    associations: "[]",
  });
  const inputs = [
    update("0", "701"),
    upsert("1", " Zoë.Dupré@Exemple.fr"),
    update("2", "702"),
    // Named by the same key as input 1: the result goes to the first open one.
    upsert("3", "zoë.dupré@exemple.fr"),
    update("4", "703"),
  ];
  const contact = (id: string, email: string): SimpleObject => ({ id, properties: { email, firstname: "Zoë", hs_object_id: id } });
  // Input 0 is not open (an error named it): its id names nothing else, so its result is left out.
  const placed = placeResults(inputs, new Set([1, 2, 3, 4]), [
    contact("703", ""),
    contact("9001", "ZOË.DUPRÉ@EXEMPLE.FR "),
    contact("702", ""),
    contact("701", ""),
    contact("9002", "zoë.dupré@exemple.fr"),
  ]);
  expect(Object.fromEntries([...placed].map(([p, r]) => [p, r.id]))).toEqual({ 1: "9001", 2: "702", 3: "9002", 4: "703" });
});
