// What a rep or a marketer reads for a count of one kind of activity in a score's reasons ("2 form
// submissions"), where the rule's `activity:` key (form_submission) is the qualification file's syntax.
import type { RuleActivityKind } from "./definition.js";

const WORDS: Readonly<Record<RuleActivityKind, readonly [one: string, many: string]>> = {
  page_view: ["page view", "page views"],
  form_submission: ["form submission", "form submissions"],
  email_open: ["email opened", "emails opened"],
  email_click: ["email link clicked", "email links clicked"],
  cta_click: ["call-to-action click", "call-to-action clicks"],
};

/** `count` activities of `kind` in plain words: "1 page view", "3 form submissions". */
export function activityCount(kind: RuleActivityKind, count: number): string {
  const [one, many] = WORDS[kind];
  return `${count} ${count === 1 ? one : many}`;
}
