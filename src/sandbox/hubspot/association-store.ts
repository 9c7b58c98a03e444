// The association links between records, kept per direction (from type, id, to type) with the set of
// association type ids on each link, as Associations v4 models them.
import { OBJECT_TYPES, type ObjectType } from "./object-types.js";
import { compareIds } from "./record-ids.js";

export class AssociationStore {
  private readonly links = new Map<string, Map<string, Set<number>>>();

  add(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, typeId: number): void {
    const key = linkKey(fromType, fromId, toType);
    let targets = this.links.get(key);
    if (!targets) {
      targets = new Map();
      this.links.set(key, targets);
    }
    let ids = targets.get(toId);
    if (!ids) {
      ids = new Set();
      targets.set(toId, ids);
    }
    ids.add(typeId);
  }

  /** Linked ids with their association type ids, in id order. */
  targets(fromType: ObjectType, fromId: string, toType: ObjectType): Array<[string, number[]]> {
    const targets = this.links.get(linkKey(fromType, fromId, toType));
    if (!targets) return [];
    return [...targets.entries()]
      .sort(([a], [b]) => compareIds(a, b))
      .map(([toId, ids]) => [toId, [...ids]]);
  }

  /**
   * Moves every link of one record to another of the same type (what a merge does). Links are added in
   * both directions (hubspot-data.ts `associate`), so the links naming the record are found from its own
   * links: a merge costs the record's links, not a pass over the portal's.
   */
  move(type: ObjectType, fromId: string, toId: string): void {
    for (const toType of OBJECT_TYPES) {
      const key = linkKey(type, fromId, toType);
      const targets = this.links.get(key);
      if (!targets) continue;
      this.links.delete(key);
      for (const [target, ids] of targets) {
        for (const typeId of ids) this.add(type, toId, toType, target, typeId);
        const back = this.links.get(linkKey(toType, target, type));
        const backIds = back?.get(fromId);
        if (!back || !backIds) continue;
        back.delete(fromId);
        for (const typeId of backIds) this.add(toType, target, type, toId, typeId);
      }
    }
  }

  /** Takes away every link of one record, both ways (what a permanent delete does). */
  removeAll(type: ObjectType, id: string): void {
    for (const toType of OBJECT_TYPES) {
      const key = linkKey(type, id, toType);
      const targets = this.links.get(key);
      if (!targets) continue;
      this.links.delete(key);
      for (const target of targets.keys()) this.links.get(linkKey(toType, target, type))?.delete(id);
    }
  }
}

function linkKey(fromType: ObjectType, fromId: string, toType: ObjectType): string {
  return `${fromType}:${fromId}:${toType}`;
}
