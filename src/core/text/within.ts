// A text leadloop cuts to what a field holds rather than have the write refused: the one place text is cut
// for a system's field (ARCHITECTURE.md, "Text cut to a field's length").

/**
 * `text` within `maxUnits` UTF-16 units, as HubSpot and Salesforce count a value's length (an emoji counts
 * two): cut at a whole character, never half a surrogate pair, and ended with `ending` ("…" unless told)
 * when cut. A mapping's `truncate` passes "", as it promises the value's own characters only.
 */
export function textWithin(text: string, maxUnits: number, ending = "…"): string {
  if (text.length <= maxUnits) return text;
  let end = Math.max(0, maxUnits - ending.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  const kept = text.slice(0, end);
  return ending === "" ? kept : `${kept.trimEnd()}${ending}`;
}
