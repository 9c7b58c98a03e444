// A text leadloop composes itself, cut to what a field holds rather than have the write refused.

/**
 * `text` within `maxUnits` UTF-16 units, as HubSpot and Salesforce count a value's length (an emoji counts
 * two): cut at a whole character, never half a surrogate pair, and ended with "…" when cut.
 */
export function textWithin(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = Math.max(0, maxUnits - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}
