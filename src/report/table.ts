// A plain text table for a terminal: columns padded to their widest cell, numbers right-aligned.
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

export function percent(rate: number | null): string {
  return rate === null ? "-" : `${(rate * 100).toFixed(1)}%`;
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
