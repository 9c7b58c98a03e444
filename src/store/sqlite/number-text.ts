// A value's text kept as a JSON number where that comes back as the same text: fewer bytes in the
// audit's packed fields and the written values. Both JSON and SQLite must give the text back, since the
// audit_log view turns the number into text with a CAST.
/** Integers, and decimals of at most twelve digits from 0.001 up: SQLite's text of them is exact. */
const NUMBER_TEXT = /^-?(0|[1-9]\d{0,14})$|^-?(0|[1-9]\d{0,5})\.\d{0,5}[1-9]$/;

/** The number `text` is, when JSON and SQLite both give `text` back from it ("72.5", not "072" or "5.0"). */
export function exactNumber(text: string): number | undefined {
  if (!NUMBER_TEXT.test(text) || /^-0$|^-?0\.00/.test(text)) return undefined;
  const number = Number(text);
  return JSON.stringify(number) === text ? number : undefined;
}
