// What a run leaves once it followed the deletion of a contact whose field-sync write was refused: the
// refusal resolved in the error queue, nothing kept for the contact in the outbox, its link retired.
import { expect } from "@jest/globals";
import type { LoopHarness } from "./loop-harness.js";

export async function expectFieldSyncRefusalFollowed(loop: LoopHarness, personId: string): Promise<void> {
  const queued = await loop.store.listErrors({});
  expect(queued.map((e) => [e.system, e.recordId, e.operation, e.status])).toEqual([
    ["hubspot", personId, "field sync", "resolved"],
  ]);
  expect(queued[0]!.message).toContain("OBJECT_NOT_FOUND");
  expect(await loop.store.listOutbox({})).toEqual([]);
  expect(await loop.store.listOutbox({ refused: true })).toEqual([]);
  expect(await loop.store.findLinkByMarketing("contact", personId)).toBeUndefined();
}
