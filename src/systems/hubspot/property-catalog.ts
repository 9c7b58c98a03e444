// The properties of each object, read once per adapter from the properties API
// (GET /crm/v3/properties/{objectType}, https://developers.hubspot.com/docs/api/crm/properties).
import { canonicalObject } from "./object-names.js";
import { type PropertyDefinition, propertyList } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

export class PropertyCatalog {
  private readonly cache = new Map<string, Promise<Map<string, PropertyDefinition>>>();

  constructor(private readonly transport: HubspotTransport) {}

  /** Every property of `object`, fetched on first use. */
  all(object: string): Promise<Map<string, PropertyDefinition>> {
    const type = canonicalObject(object);
    let found = this.cache.get(type);
    if (!found) {
      found = this.transport
        .send({ method: "GET", path: `/crm/v3/properties/${type}`, qs: { archived: "false" } }, propertyList)
        .then(({ body }) => new Map(body.results.map((p) => [p.name, p])));
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
    if (kept) this.cache.set(type, kept.then((all) => new Map(all).set(property.name, property)));
  }

  /** Forget `object`'s properties (another process made one, or a create's outcome is unknown). */
  invalidate(object: string): void {
    this.cache.delete(canonicalObject(object));
  }
}
