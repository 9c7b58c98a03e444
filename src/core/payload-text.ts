// What a stored payload names (an error entry's or an outbox write's: JSON of whatever shape its phase
// gave it), read by one typed reader rather than a cast where each is read.

/** What the payload holds under `key`; undefined for a payload that is no object or lacks it. */
export function payloadValue(payload: unknown, key: string): unknown {
  return typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>)[key] : undefined;
}

/** The payload's `key` when it holds a string there that is not empty; null otherwise. */
export function payloadText(payload: unknown, key: string): string | null {
  const value = payloadValue(payload, key);
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * The outbox key of the refused write behind an error entry (its payload's `outboxKey`); null for an
 * entry no outbox write stands behind.
 */
export function outboxKeyOf(entry: { payload: unknown }): string | null {
  return payloadText(entry.payload, "outboxKey");
}
