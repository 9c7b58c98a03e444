// The portal's event occurrences, kept in occurrence order three ways (all, per contact, per event type)
// so a page of GET /events/v3/events costs O(log n + page) however many events the portal holds: the
// window bounds (occurredAfter/occurredBefore) and the paging cursor are binary searches, not filters.
// Events are appended and each order is re-sorted once, lazily, at its next read (the sort is a TimSort,
// so a sorted array with a short unsorted tail re-sorts in about linear time).
import type { HubspotEvent } from "./hubspot-data.js";

/**
 * One stored event, compact because a portal holds millions: its instant as epoch ms (no Date), its id
 * derived from instant and arrival number (no string kept), property values interned (the same URL or
 * title is one string however many events carry it), and one class so every event shares one shape.
 */
export class LoggedEvent implements HubspotEvent {
  readonly objectType = "contact" as const;
  constructor(
    readonly eventType: string,
    public objectId: string,
    /** When it occurred, epoch ms. */
    readonly at: number,
    /** Arrival number: the tie-break between events of the same instant. */
    readonly seq: number,
    readonly properties: Record<string, string>,
  ) {}

  get id(): string {
    return `${this.at}-${this.seq}`;
  }

  get occurredAt(): Date {
    return new Date(this.at);
  }
}

/** A position in occurrence order: a page's last event, which the next page starts after. */
export interface EventPosition {
  at: number;
  seq: number;
}

class OrderedEvents {
  private events: LoggedEvent[] = [];
  private sorted = true;

  add(event: LoggedEvent): void {
    const last = this.events[this.events.length - 1];
    if (last && compare(last, event) > 0) this.sorted = false;
    this.events.push(event);
  }

  addAll(events: readonly LoggedEvent[]): void {
    for (const e of events) this.add(e);
  }

  get length(): number {
    return this.events.length;
  }

  inOrder(): readonly LoggedEvent[] {
    if (!this.sorted) {
      this.events.sort(compare);
      this.sorted = true;
    }
    return this.events;
  }
}

export class EventLog {
  private readonly all = new OrderedEvents();
  private readonly byContact = new Map<string, OrderedEvents>();
  private readonly byType = new Map<string, OrderedEvents>();
  /**
   * `type NUL property` → that property's value → the type's events carrying it (a form's submissions),
   * built at the first ask and kept up to date by `add`: a page of one form's submissions is read from
   * its own list, not by filtering every submission in the portal.
   */
  private readonly byValue = new Map<string, { type: string; property: string; index: Map<string, OrderedEvents> }>();
  private readonly interned = new Map<string, string>();
  private nextSeq = 1;

  add(event: { eventType: string; objectId: string; occurredAt: Date; properties: Record<string, string> }): LoggedEvent {
    const properties: Record<string, string> = {};
    for (const name of Object.keys(event.properties).sort()) properties[name] = this.intern(event.properties[name]!);
    const logged = new LoggedEvent(
      this.intern(event.eventType),
      event.objectId,
      event.occurredAt.getTime(),
      this.nextSeq++,
      properties,
    );
    this.all.add(logged);
    orderOf(this.byContact, logged.objectId).add(logged);
    orderOf(this.byType, logged.eventType).add(logged);
    for (const { type, property, index } of this.byValue.values()) {
      const value = logged.eventType === type ? logged.properties[property] : undefined;
      if (value !== undefined) orderOf(index, value).add(logged);
    }
    return logged;
  }

  get size(): number {
    return this.all.length;
  }

  /** Sorts every order now (after a bulk load), so no later read pays for it. */
  settle(): void {
    this.all.inOrder();
    for (const order of this.byContact.values()) order.inOrder();
    for (const order of this.byType.values()) order.inOrder();
  }

  /** Every event oldest first (not copies). */
  inOrder(): readonly LoggedEvent[] {
    return this.all.inOrder();
  }

  /** One contact's events oldest first (not copies). */
  ofContact(contactId: string): readonly LoggedEvent[] {
    return this.byContact.get(contactId)?.inOrder() ?? [];
  }

  /** One event type's events oldest first (not copies). */
  ofType(eventType: string): readonly LoggedEvent[] {
    return this.byType.get(eventType)?.inOrder() ?? [];
  }

  /** One event type's events whose `property` is `value`, oldest first (not copies). */
  ofTypeWith(eventType: string, property: string, value: string): readonly LoggedEvent[] {
    const key = `${eventType}\u0000${property}`;
    let kept = this.byValue.get(key);
    if (!kept) {
      kept = { type: eventType, property, index: new Map() };
      for (const e of this.ofType(eventType)) {
        const held = e.properties[property];
        if (held !== undefined) orderOf(kept.index, held).add(e);
      }
      this.byValue.set(key, kept);
    }
    return kept.index.get(value)?.inOrder() ?? [];
  }

  private intern(value: string): string {
    const held = this.interned.get(value);
    if (held !== undefined) return held;
    // A value built by concatenation is kept flat: a rope of small pieces costs more than its text.
    const flat = value.length > 0 ? flatten(value) : value;
    this.interned.set(flat, flat);
    return flat;
  }

  /** A merge moves the merged contact's events to the primary (they then name the primary). */
  moveContact(fromId: string, toId: string): void {
    const moved = this.byContact.get(fromId);
    if (!moved) return;
    this.byContact.delete(fromId);
    const events = moved.inOrder();
    for (const e of events) e.objectId = toId;
    orderOf(this.byContact, toId).addAll(events);
  }
}

function orderOf(map: Map<string, OrderedEvents>, key: string): OrderedEvents {
  let order = map.get(key);
  if (!order) {
    order = new OrderedEvents();
    map.set(key, order);
  }
  return order;
}

function compare(a: LoggedEvent, b: LoggedEvent): number {
  return a.at - b.at || a.seq - b.seq;
}

/** The same text as one flat string (V8 keeps concatenations as ropes until something flattens them). */
function flatten(value: string): string {
  return Buffer.from(value, "utf8").toString("utf8");
}

/** The first index of `events` (in occurrence order) after `position`; { at: t, seq: Infinity } finds the first event after instant t. */
export function firstAfter(events: readonly LoggedEvent[], position: EventPosition): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const e = events[mid]!;
    if (e.at < position.at || (e.at === position.at && e.seq <= position.seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The events of an ordered list that occurred in [lowMs, highMs] (either bound optional), by two binary searches. */
export function occurredBetween(events: readonly LoggedEvent[], lowMs?: number, highMs?: number): readonly LoggedEvent[] {
  const low = lowMs === undefined ? 0 : firstAfter(events, { at: lowMs - 1, seq: Infinity });
  const high = highMs === undefined ? events.length : firstAfter(events, { at: highMs, seq: Infinity });
  return events.slice(low, high);
}

/** Newest first: the order HubSpot's marketing event listings answer in. */
export function newestFirst(a: LoggedEvent, b: LoggedEvent): number {
  return b.at - a.at || b.seq - a.seq;
}
