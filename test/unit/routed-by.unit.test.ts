// A follow-up task's routing line read back: a queue's turn, another rule's lead, or nothing leadloop wrote.
import { plainTextToHtml } from "../../src/core/text/rich-text.js";
import { pickFromQueue, queueTurnShown, routedByText } from "../../src/core/routing/index.js";

describe("queueTurnShown", () => {
  const turn = pickFromQueue(
    {
      kind: "queue",
      queue: "emea",
      members: ["helene.dubois@leadloop-demo.com", "jordan.miller@leadloop-demo.com"],
      ruleId: "emea",
      explanation: `rule emea: country "France" (FR) is in [FR, DE] → queue emea`,
    },
    1,
  );
  const body = (route: { ruleId: string; explanation: string }) => `Océane Maréchal qualified with 110 points.\n\n${routedByText(route)}`;

  it("reads a queue's turn from the task, in plain text and in HubSpot's rich text", () => {
    expect(queueTurnShown(body(turn), "emea")).toBe("turn");
    expect(queueTurnShown(plainTextToHtml(body(turn)), "emea")).toBe("turn");
  });

  it("reads another rule's lead, or another queue's turn, as no turn of this queue", () => {
    const account = { ruleId: "account-owner", explanation: "the account Société Générale d'Optique (email domain sgo-optique.fr) is owned by jordan.miller@leadloop-demo.com" };
    expect(queueTurnShown(plainTextToHtml(body(account)), "emea")).toBe("other");
    expect(queueTurnShown(body(turn), "emea-enterprise")).toBe("other");
  });

  it("says nothing of a task whose text a rep rewrote", () => {
    expect(queueTurnShown("Called, left a voicemail", "emea")).toBeNull();
  });
});
