// The properties of each object, read once per adapter from the properties API
// (GET /crm/v3/properties/{objectType}, https://developers.hubspot.com/docs/api/crm/properties), or taken
// from what an earlier process read and the store kept (ARCHITECTURE.md "Kept descriptions").
import { DescriptionLedger } from "../../sync/description-ledger.js";
import type { DescriptionChanges, DescriptionKeeping, KeptDescription } from "../../sync/kept-descriptions.js";
import { type Clock, dateOf } from "../clock.js";
import { SYSTEM } from "./fault-table.js";
import { canonicalObject } from "./object-names.js";
import { keptPropertyList, type PropertyDefinition, propertyList } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

export class PropertyCatalog implements DescriptionKeeping {
  private readonly cache = new Map<string, Promise<Map<string, PropertyDefinition>>>();
  private readonly ledger = new DescriptionLedger(SYSTEM, {
    key: canonicalObject,
    hold: (type, answer) => {
      const parsed = keptPropertyList.safeParse(answer);
      if (!parsed.success || this.cache.has(type)) return false;
      this.cache.set(type, Promise.resolve(new Map(parsed.data.map((p) => [p.name, p]))));
      return true;
    },
    held: async (type) => {
      const list = await this.cache.get(type)?.catch(() => undefined);
      return list && { object: type, answer: keptPropertyList.parse([...list.values()]) };
    },
    drop: (type) => this.cache.delete(type),
  });

  constructor(
    private readonly transport: HubspotTransport,
    private readonly clock: Clock,
  ) {}

  /** Every property of `object`, fetched on first use. */
  all(object: string): Promise<Map<string, PropertyDefinition>> {
    const type = canonicalObject(object);
    let found = this.cache.get(type);
    if (!found) {
      const askedAt = dateOf(this.clock);
      found = this.transport
        .send({ method: "GET", path: `/crm/v3/properties/${type}`, qs: { archived: "false" } }, propertyList)
        .then(({ body }) => {
          this.ledger.read(type, askedAt);
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
    this.ledger.extended(type);
  }

  /**
   * Forget `object`'s properties (another process made one, or a create's outcome is unknown): read again
   * when next asked, here and by the next process.
   */
  invalidate(object: string): void {
    const type = canonicalObject(object);
    this.cache.delete(type);
    this.ledger.forget(type);
  }

  /** A write was refused for a property `object`'s list holds (DescriptionLedger.doubt). */
  doubt(object: string): void {
    this.ledger.doubt(canonicalObject(object));
  }

  recall(kept: readonly KeptDescription[]): void {
    this.ledger.recall(kept);
  }

  takeChanges(): Promise<DescriptionChanges> {
    return this.ledger.takeChanges();
  }
}
