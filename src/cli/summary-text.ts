// Renders a run summary for people: one short block, the numbers that matter first, in the words of the
// CRM (report/words.ts: with HubSpot as the CRM no Lead is converted; a contact sales accepted gets a deal).
import type { ReportWords } from "../report/words.js";
import type { RunSummary } from "../sync/run-summary.js";

export function summaryText(s: RunSummary, words: ReportWords): string {
  const per = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([system, n]) => `${system} ${n}`)
      .join(", ");
  const lines = [
    `run ${s.runId}${s.dryRun ? " (dry run: nothing written)" : ""}: ${s.status}`,
    `  read:      ${per(s.read)}`,
    `  created:   ${per(s.created)}`,
    `  updated:   ${per(s.updated)}`,
    `  unchanged: ${s.unchanged}   conflicts: ${s.conflicts}`,
    `  relinked:  ${s.relinked}   restored: ${s.restored}`,
    `  handoffs:  ${s.handoffs}   near-qualified: ${s.nearQualified}`,
    `  dispositions: ${per(s.dispositions)}`,
    `  ${words.sqls}: ${s.conversions}   won: ${s.outcomes.won}   lost: ${s.outcomes.lost}   SLA breaches: ${s.slaBreaches}`,
    `  errors:    ${per(s.errors)}${s.openErrors > 0 ? `   open in the queue: ${s.openErrors} (see: leadloop errors list)` : ""}`,
    `  API calls: ${per(s.apiCalls)}`,
  ];
  // Apart from the API calls, which an admin compares with the system's own count of them.
  const auth = Object.fromEntries(Object.entries(s.authCalls).filter(([, n]) => n > 0));
  if (Object.keys(auth).length > 0) lines.push(`  session requests: ${per(auth)} (not counted against API limits)`);
  if (s.failure) lines.push(`  failure:   ${s.failure}`);
  return `${lines.join("\n")}\n`;
}
