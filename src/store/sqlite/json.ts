// JSON payload columns are stored as text; these keep the conversion and its failure in one place.
import { StoreError } from "../port.js";

export function toJsonText(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch (err) {
    throw new StoreError(`${what} cannot be stored: it is not serialisable as JSON`, err);
  }
}

export function fromJsonText(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
