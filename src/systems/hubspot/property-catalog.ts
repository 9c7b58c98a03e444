// The properties of each object, read once per adapter from the properties API
// (GET /crm/v3/properties/{objectType}, https://developers.hubspot.com/docs/api/crm/properties), or taken
// from what an earlier process read and the store kept (ARCHITECTURE.md "Kept descriptions").
import type { DescriptionChanges, DescriptionKeeping, KeptDescription } from "../../sync/kept-descriptions.js";
import { SYSTEM } from "./fault-table.js";
import { canonicalObject } from "./object-names.js";
import { keptPropertyList, type PropertyDefinition, propertyList } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

export class PropertyCatalog implements DescriptionKeeping {
  private readonly cache = new Map<string, Promise<Map<string, PropertyDefinition>>>();
  /** Lists read or extended since last taken, with when a recalled one was read (absent: read by this process). */
  private readonly changed = new Map<string, { learnedAt?: string }>();
  /** When each recalled list was read, by the process that read it. */
  private readonly recalledAt = new Map<string, string>();
  private readonly forgotten = new Set<string>();
  private readonly doubted = new Set<string>();

  constructor(private readonly transport: HubspotTransport) {}

  /** Every property of `object`, fetched on first use. */
  all(object: string): Promise<Map<string, PropertyDefinition>> {
    const type = canonicalObject(object);
    let found = this.cache.get(type);
    if (!found) {
      found = this.transport
        .send({ method: "GET", path: `/crm/v3/properties/${type}`, qs: { archived: "false" } }, propertyList)
        .then(({ body }) => {
          this.recalledAt.delete(type);
          this.changed.set(type, {});
          this.forgotten.delete(type);
          return new Map(body.results.map((p) => [p.name, p]));
        });
      // A failed read is not cached: the next use asks again.
      found.catch(() => this.cache.delete(type));
      this.cache.set(type, found);
    }
    return found;
  }

  async get(object: string, name: string): Promise<PropertyDefinition | undefined> {
    return (await this.all(object)).get(name);
  }

  /**
   * Adds a property this adapter just created to `object`'s kept list, when one is kept: the create's answer
   * is the property as HubSpot made it (Properties API "Create a property": "create and return a copy of a
   * new property"), so a first run that makes several properties on one object reads its list once.
   */
  add(object: string, property: PropertyDefinition): void {
    const type = canonicalObject(object);
    const kept = this.cache.get(type);
    if (!kept) return;
    this.cache.set(type, kept.then((all) => new Map(all).set(property.name, property)));
    const learnedAt = this.recalledAt.get(type);
    this.changed.set(type, learnedAt === undefined ? {} : { learnedAt });
  }

  /**
   * Forget `object`'s properties (another process made one, or a create's outcome is unknown): read again
   * when next asked, here and by the next process.
   */
  invalidate(object: string): void {
    const type = canonicalObject(object);
    this.cache.delete(type);
    this.changed.delete(type);
    this.recalledAt.delete(type);
    this.forgotten.add(type);
  }

  /**
   * A write was refused for a property `object`'s list holds: the list is read again by the next run (the
   * next process, or this one's next run once `takeChanges` handed it over), not by each of this run's
   * later writes, which one refusal per batch would make a read each.
   */
  doubt(object: string): void {
    this.doubted.add(canonicalObject(object));
  }

  recall(kept: readonly KeptDescription[]): void {
    for (const { system, object, answer, learnedAt } of kept) {
      const type = canonicalObject(object);
      const parsed = keptPropertyList.safeParse(answer);
      if (system !== SYSTEM || !parsed.success || learnedAt === undefined || this.cache.has(type)) continue;
      this.cache.set(type, Promise.resolve(new Map(parsed.data.map((p) => [p.name, p]))));
      this.recalledAt.set(type, learnedAt);
    }
  }

  async takeChanges(): Promise<DescriptionChanges> {
    for (const type of this.doubted) this.invalidate(type);
    this.doubted.clear();
    const learned: KeptDescription[] = [];
    for (const [type, { learnedAt }] of this.changed) {
      const list = await this.cache.get(type)?.catch(() => undefined);
      if (!list) continue;
      learned.push({ system: SYSTEM, object: type, answer: keptPropertyList.parse([...list.values()]), ...(learnedAt === undefined ? {} : { learnedAt }) });
    }
    const forgotten = [...this.forgotten];
    this.changed.clear();
    this.forgotten.clear();
    return { learned, forgotten };
  }
}
