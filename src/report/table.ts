// A plain text table for a terminal: columns padded to their widest cell, numbers right-aligned; and the
// cells both the text and the HTML report print.
import type { ReportWords } from "./words.js";
import { type Cohort, type FunnelReport, GROUP_ROW_COUNTS, type GroupRowCount, groupRowCount, type TargetProgress } from "../core/report/index.js";

export function textTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number> = new Set()): string {
  const cells = [header, ...rows];
  // Widths by a loop, not Math.max(...spread): a long list (an SLA board, say) outgrows a call's arguments.
  const widths = header.map(() => 0);
  for (const c of cells) header.forEach((_, i) => (widths[i] = Math.max(widths[i]!, [...(c[i] ?? "")].length)));
  return (
    cells
      .map((c) =>
        c
          .map((v, i) => {
            const pad = " ".repeat(widths[i]! - [...v].length);
            return numeric.has(i) ? pad + v : v + pad;
          })
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/**
 * `part / whole` as a percent to one decimal ("78.9"), null when whole is 0. Rounded once, from the
 * fraction itself, halves away from zero: a rate rounded to four decimals first printed 15 of 19 as 79.0
 * (0.7895), and the double 23 / 80 times 100 is just under 28.75, which toFixed printed as 28.7. Exact for
 * whole-number counts (part × 1000 and the quotient are exact or correctly rounded, and no fraction of
 * counts lies nearer a half than 1 / (2 × whole)).
 */
export function percentDigits(part: number, whole: number): string | null {
  if (whole === 0) return null;
  const tenths = Math.sign(part) * Math.round((Math.abs(part) * 1000) / whole);
  return (tenths / 10).toFixed(1);
}

/** `part / whole` as a percent ("78.9%"), `-` when whole is 0 (see percentDigits). */
export function percentOf(part: number, whole: number): string {
  const digits = percentDigits(part, whole);
  return digits === null ? "-" : `${digits}%`;
}

/**
 * A target's progress and the period passed, as percents rounded once from what they are made of: the
 * actual of the target (in cents, so a revenue target is whole numbers too; a target of 0 is met), and
 * the milliseconds passed of the period's.
 */
export function targetPercents(t: TargetProgress): { progress: string; elapsed: string } {
  const cents = (n: number) => Math.round(n * 100);
  return {
    progress: t.target === 0 ? percentOf(1, 1) : percentOf(cents(t.actual), cents(t.target)),
    elapsed: percentOf(t.periodMs.passed, t.periodMs.length),
  };
}

/** A conversion rate as a percent: the cohort's people who went on, of its people. */
export function percent(c: Cohort): string {
  return percentOf(c.reached, c.people);
}

/** How far a rate moved between two periods, in percentage points to one decimal, signed ("+10.0"). */
export function shiftPoints(previous: Cohort, current: Cohort): string {
  // current − previous as one fraction of whole numbers, so it rounds exactly as percentDigits does.
  const digits = percentDigits(current.reached * previous.people - previous.reached * current.people, current.people * previous.people)!;
  return digits.startsWith("-") ? digits : `+${digits}`;
}

export function hours(h: number | null): string {
  return h === null ? "-" : `${h} h`;
}

export function days(d: number | null): string {
  return d === null ? "-" : `${d} d`;
}

export function money(amount: number): string {
  return amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A period as a person reads it: `from 2026-10-01 to 2027-01-01 (quarter)`, dates when at midnight. */
export function periodText(period: { since: string | null; until: string; kind: string }): string {
  const show = (iso: string) => (iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 16).replace("T", " ")}Z`);
  const what = period.kind === "all" ? "everything so far" : period.kind;
  return `from ${period.since === null ? "the first event" : show(period.since)} to ${show(period.until)} (${what})`;
}

/** Each count a group row is made of (core's GROUP_ROW_COUNTS), as its column is headed; the deals' is the CRM's word (words.ts). */
const GROUP_COUNT_HEADER: Readonly<Record<Exclude<GroupRowCount, "opportunities">, string>> = {
  mqls: "MQLs",
  handoffs: "Handoffs",
  sals: "SALs",
  won: "Won",
  lost: "Lost",
  recycled: "Recycled",
  trash: "Trash",
  unreachable: "Unreachable",
};

/**
 * The table of a report's groups (`--group-by`): its header (the text report prints it in capitals) and a
 * row per group, every count the row is made of first, so no printed row reads all zeros.
 */
export function groupTableCells(groupBy: string, groups: FunnelReport["groups"], words: ReportWords): { header: string[]; rows: string[][]; numeric: Set<number> } {
  const counts = GROUP_ROW_COUNTS.map((c) => (c === "opportunities" ? words.dealsColumn : GROUP_COUNT_HEADER[c]));
  const dealShort = words.dealShort;
  const header = [groupBy, ...counts, "Revenue", "MQL→SAL", `SAL→${dealShort}`, `${dealShort[0]!.toUpperCase()}${dealShort.slice(1)}→won`, "Follow-up"];
  const rows = groups.map((g) => [
    g.label,
    ...GROUP_ROW_COUNTS.map((c) => String(groupRowCount(g, c))),
    money(g.revenue),
    percent(g.conversions.mqlToSal),
    percent(g.conversions.salToOpportunity),
    percent(g.conversions.opportunityToWon),
    hours(g.followUpHours.median),
  ]);
  return { header, rows, numeric: new Set(header.map((_, i) => i).slice(1)) };
}
