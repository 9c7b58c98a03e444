// The 18-character, case-safe form of a Salesforce id (src/systems/salesforce/record-id.ts), as the API
// answers with it: from the 15-character form the UI and reports show, and from an 18-character id in
// any letter case (its last three characters say which letters are capitals).
import { caseSafeId } from "../../src/systems/salesforce/record-id.js";

it("gives the 18-character id of a 15-character one, as Salesforce's own examples do", () => {
  expect(caseSafeId("001A0000006Vm9r")).toBe("001A0000006Vm9rIAC");
  expect(caseSafeId("a0D30000001n7Pi")).toBe("a0D30000001n7PiEAI");
  // Case matters in the 15-character form: these are two records.
  expect(caseSafeId("001a0000006vm9r")).not.toBe(caseSafeId("001A0000006Vm9r"));
});

it("restores an 18-character id written in other letter case, and refuses what is no id", () => {
  expect(caseSafeId("001a0000006vm9riac")).toBe("001A0000006Vm9rIAC");
  expect(caseSafeId("001A0000006VM9RIAC")).toBe("001A0000006Vm9rIAC");
  expect(caseSafeId("001A0000006Vm9rIAC")).toBe("001A0000006Vm9rIAC");
  for (const text of ["", "00QHs00000000", "001A0000006Vm9rZZZ", "001A0000006Vm9r—", "renée@exemple.fr"]) {
    expect(caseSafeId(text)).toBeUndefined();
  }
});
