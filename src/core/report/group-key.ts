// How a report groups free text (campaign names, sources, owners): marketers retype names, so
// "Webinaire Été 2026", "webinaire  été 2026 " and a decomposed "É" are one campaign. The key folds
// case, accents and spacing; the label shown is the first spelling met.

export const NONE_LABEL = "(none)";

export function groupKey(text: string | null | undefined): string {
  if (text === null || text === undefined) return "";
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** The label of a group: the text as first written (composed, trimmed), or `(none)` for a blank. */
export function groupLabel(text: string | null | undefined): string {
  const label = (text ?? "").normalize("NFC").replace(/\s+/g, " ").trim();
  return label === "" ? NONE_LABEL : label;
}
