// A task body leadloop composes as plain lines, for a CRM field that shows rich text (HubSpot's task
// notes, hs_task_body): there a "\n" is collapsed to a space, so the reasons, the route and each activity's
// page, address and time ran together on one line. Paragraphs (a blank line between them) become <p>, the
// lines inside them <br>. Every value is escaped: the text carries what people typed (a name, a form's or
// page's title, a rep's reason), and "R&D <Pricing>" must read as written, not as markup.

import { textWithin } from "./within.js";

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** "a\nb\n\nc" → "<p>a<br>b</p><p>c</p>"; an empty text stays empty. */
export function plainTextToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n+/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ""))
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => `<p>${paragraph.split("\n").map(escapeHtmlText).join("<br>")}</p>`)
    .join("");
}

/**
 * `plainTextToHtml` within `maxChars` of markup: a text whose escapes and tags take it past the field's
 * limit (HubSpot refuses a property value over 65,536 characters) is cut, at a whole character, until it
 * fits, and ends "…", rather than have the whole write refused.
 */
export function plainTextToHtmlWithin(text: string, maxChars: number): string {
  let html = plainTextToHtml(text);
  let units = text.length;
  while (html.length > maxChars && units > 0) {
    // The markup grows with the text about evenly: cut in proportion, a little more than the excess.
    units = Math.max(0, Math.floor((units * maxChars) / html.length) - 1);
    html = plainTextToHtml(textWithin(text, units));
  }
  return html;
}
