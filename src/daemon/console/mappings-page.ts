// The mappings tab: every mapping with its fields, and the live check of `validate --live` (fields the
// systems do not have, types that cannot convert, picklist values refused, disposition statuses), cached.
import type { FieldMapping, ObjectMapping } from "../../core/mapping.js";
import type { MappingProblem } from "../../core/mapping-check.js";
import { when } from "./format.js";
import { html, type Html } from "./html.js";
import type { LiveCheckResult } from "./live-checks.js";
import type { ConsoleSources } from "./sources.js";

const ARROWS: Record<FieldMapping["direction"], string> = { to_crm: "→", to_marketing: "←", both: "↔", none: "·" };

export async function mappingsPage(sources: ConsoleSources, live: LiveCheckResult): Promise<Html> {
  const now = sources.now();
  const errors = live.problems.filter((p) => p.severity === "error").length;
  const warnings = live.problems.length - errors;
  const verdict = live.failure
    ? html`<div class="banner bad" id="live-check">The live check could not run: ${live.failure}</div>`
    : errors > 0
      ? html`<div class="banner bad" id="live-check">${errors} problem${errors === 1 ? "" : "s"} against the live schemas${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}.</div>`
      : html`<div class="banner ok" id="live-check">Mappings and disposition statuses match the live schemas${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}.</div>`;
  const mapped = new Set(sources.mappings.map((m) => m.source));
  const other = live.problems.filter((p) => !mapped.has(p.source));
  return html`${verdict}<p class="muted">Checked ${when(live.checkedAt, now)}; the check is the one <code>leadloop validate --live</code> runs, kept for ten minutes.</p>
${sources.mappings.length === 0 ? html`<p>HubSpot is the CRM: the contact is one record, so there are no field mappings.</p>` : ""}
${sources.mappings.map((m) => mappingTable(m, live.problems.filter((p) => p.source === m.source)))}
${other.length > 0 ? html`<h3>Other checks</h3>${problemList(other)}` : ""}`;
}

function mappingTable(m: ObjectMapping, problems: MappingProblem[]): Html {
  const byField = (f: FieldMapping) =>
    problems.filter((p) => (p.side === "marketing" ? p.field === f.marketing : p.field === f.crm));
  const unplaced = problems.filter((p) => !m.fields.some((f) => byField(f).includes(p)));
  return html`<section class="mapping" data-mapping="${m.name}"><h3>${m.name} <span class="muted">(${m.pair}: HubSpot ${m.marketingObject} ↔ ${m.crmObject})</span>
${problems.some((p) => p.severity === "error") ? html`<span class="pill bad">problems</span>` : html`<span class="pill ok">ok</span>`}</h3>
<p class="muted"><code>${m.source}</code>${m.match ? ` · matched on ${m.match.marketing} = ${m.match.crm} (${m.match.normalize})` : ""}</p>
<table><thead><tr><th>HubSpot</th><th></th><th>${m.crmObject}</th><th>Conflict rule</th><th>Transforms</th><th>Live check</th></tr></thead><tbody>
${m.fields.map((f) => {
    const found = byField(f);
    return html`<tr class="${found.some((p) => p.severity === "error") ? "problem" : ""}"><td><code>${f.marketing}</code></td><td>${ARROWS[f.direction]}</td>
<td><code>${f.crm}</code></td><td>${f.conflict}</td><td>${f.transforms.map((t) => t.kind).join(", ") || "—"}</td>
<td>${found.length === 0 ? html`<span class="ok">ok</span>` : found.map((p) => html`<div class="${p.severity === "error" ? "bad" : "warn"}">${p.severity}: ${p.message}</div>`)}</td></tr>`;
  })}</tbody></table>${unplaced.length > 0 ? problemList(unplaced) : ""}</section>`;
}

function problemList(problems: MappingProblem[]): Html {
  return html`<ul>${problems.map(
    (p) => html`<li class="${p.severity === "error" ? "bad" : "warn"}"><code>${p.source}</code>: ${p.severity}: ${p.field} (${p.side}): ${p.message}</li>`,
  )}</ul>`;
}
