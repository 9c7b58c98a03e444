// A rep's digest as text (a terminal, a CRM task's body), Markdown or a self-contained HTML fragment.
import type { DigestLead, RepDigest } from "./digest.js";
import { recordLabel } from "../text/record-label.js";

export const DIGEST_FORMATS = ["text", "markdown", "html"] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

const NOTHING_NEW = "nothing new since the last digest";

export function renderDigests(digests: readonly RepDigest[], format: DigestFormat): string {
  if (format === "html") return `<!doctype html>\n<meta charset="utf-8">\n<title>leadloop digest</title>\n${digests.map(html).join("\n")}\n`;
  return digests.map(format === "markdown" ? markdown : text).join("\n");
}

/** The one-line title of a rep's digest (a task's subject). */
export function digestTitle(digest: RepDigest): string {
  const n = digest.leads.length;
  return `leadloop digest: ${n} active lead${n === 1 ? "" : "s"} since ${when(digest.since)}`;
}

function who(lead: DigestLead): string {
  const name = lead.name?.replace(/\s+/g, " ").trim();
  if (name && lead.email) return `${name} <${lead.email}>`;
  return name || lead.email || lead.personId;
}

function when(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

function happened(lead: DigestLead): string[] {
  const lines = [...lead.moves.map((m) => `Moved to ${m}`), ...lead.behaviour];
  return lines.length > 0 ? lines : [NOTHING_NEW];
}

export function text(digest: RepDigest): string {
  const out = [`${digest.ownerEmail}: ${digestTitle(digest).replace(/^leadloop digest: /, "")}`];
  if (digest.leads.length === 0) out.push("  no active leads");
  for (const lead of digest.leads) {
    out.push(`  ${String(lead.score).padStart(6)}  ${who(lead)}  (handed off ${lead.handedOffAt.slice(0, 10)}, ${recordLabel(lead.crmType, lead.crmId)})`);
    for (const line of happened(lead)) out.push(`        ${line}`);
  }
  return `${out.join("\n")}\n`;
}

function markdown(digest: RepDigest): string {
  const escape = (s: string) => s.replace(/([\\`*_[\]<>|#])/g, "\\$1");
  const out = [`## ${escape(digest.ownerEmail)}`, "", `${escape(digestTitle(digest))}`, ""];
  if (digest.leads.length === 0) out.push("No active leads.", "");
  for (const lead of digest.leads) {
    out.push(`### ${lead.score} · ${escape(who(lead))}`, "");
    out.push(`Handed off ${lead.handedOffAt.slice(0, 10)} · ${escape(recordLabel(lead.crmType, lead.crmId))}`, "");
    for (const line of happened(lead)) out.push(`- ${escape(line)}`);
    out.push("");
  }
  return out.join("\n");
}

function html(digest: RepDigest): string {
  const e = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const rows = digest.leads.map(
    (lead) =>
      `<tr><td>${lead.score}</td><td>${e(who(lead))}</td><td>${lead.handedOffAt.slice(0, 10)}</td>` +
      `<td><ul>${happened(lead).map((l) => `<li>${e(l)}</li>`).join("")}</ul></td></tr>`,
  );
  return [
    `<section><h2>${e(digest.ownerEmail)}</h2><p>${e(digestTitle(digest))}</p>`,
    digest.leads.length === 0
      ? "<p>No active leads.</p>"
      : `<table><thead><tr><th>Score</th><th>Lead</th><th>Handed off</th><th>Since the last digest</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
    "</section>",
  ].join("\n");
}
