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

  /** Forget `object`'s properties (after creating one). */
  invalidate(object: string): void {
    this.cache.delete(canonicalObject(object));
  }
}
