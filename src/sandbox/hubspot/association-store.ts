// The association links between records, kept per direction (from type, id, to type) with the set of
// association type ids on each link, as Associations v4 models them.
import type { ObjectType } from "./object-types.js";

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
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([toId, ids]) => [toId, [...ids]]);
  }

  /** Moves every link of one record to another of the same type (what a merge does). */
  move(type: ObjectType, fromId: string, toId: string): void {
    for (const [key, targets] of [...this.links.entries()]) {
      const [ownerType, ownerId, toType] = key.split(":") as [ObjectType, string, ObjectType];
      if (ownerType === type && ownerId === fromId) {
        this.links.delete(key);
        for (const [target, ids] of targets)
          for (const typeId of ids) this.add(type, toId, toType, target, typeId);
      }
      if (toType === type) {
        const ids = targets.get(fromId);
        if (ids) {
          targets.delete(fromId);
          for (const typeId of ids) this.add(ownerType, ownerId, type, toId, typeId);
        }
      }
    }
  }
}

function linkKey(fromType: ObjectType, fromId: string, toType: ObjectType): string {
  return `${fromType}:${fromId}:${toType}`;
}
