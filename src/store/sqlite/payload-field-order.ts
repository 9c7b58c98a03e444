// The order an outbox payload keeps a write's fields in: by name in one collation, so the same write decided
// again is the same payload (and stays refused). Each phase decides its writes in a few shapes, most not in
// that order (a 10,000-contact first load: 21,500 of 27,700 writes), so a shape's order is worked out once.
import type { OutboxWrite } from "../port.js";

type Fields = OutboxWrite["fields"];

const byField = new Intl.Collator().compare;

/** Shapes remembered at most; beyond, the oldest is replaced (a run's phases use a dozen or so). */
const SHAPES_KEPT = 32;

interface Shape {
  /** The field names in the order a write gave them. */
  names: readonly string[];
  /** Where each field of the payload's order is in the write's; null when the write's order is it. */
  order: readonly number[] | null;
}

export class PayloadFieldOrder {
  private readonly shapes: Shape[] = [];
  private nextReplaced = 0;

  /**
   * `fields` in the payload's order: the list itself when already in it, else a copy in that order, as a
   * stable sort by `byField` gives it. A shape seen before is not compared or sorted again: the sort's
   * copy and collation were 19 MB of a 10,000-contact first load's allocations.
   */
  of(fields: Fields): Fields {
    if (fields.length < 2) return fields;
    const { order } = this.shapeOf(fields);
    if (order === null) return fields;
    const sorted: Fields = new Array(order.length);
    for (let i = 0; i < order.length; i++) sorted[i] = fields[order[i]!]!;
    return sorted;
  }

  private shapeOf(fields: Fields): Shape {
    for (let s = 0; s < this.shapes.length; s++) {
      const shape = this.shapes[s]!;
      if (sameNames(shape.names, fields)) return shape;
    }
    const names = fields.map((f) => f.field);
    const order = names.map((_, i) => i).sort((a, b) => byField(names[a]!, names[b]!));
    const shape: Shape = { names, order: order.every((at, i) => at === i) ? null : order };
    if (this.shapes.length < SHAPES_KEPT) this.shapes.push(shape);
    else {
      this.shapes[this.nextReplaced] = shape;
      this.nextReplaced = (this.nextReplaced + 1) % SHAPES_KEPT;
    }
    return shape;
  }
}

function sameNames(names: readonly string[], fields: Fields): boolean {
  if (names.length !== fields.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== fields[i]!.field) return false;
  return true;
}
