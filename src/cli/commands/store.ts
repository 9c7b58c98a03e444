// `leadloop store stats`: where the state store's bytes go, per table (rows, table and index bytes), and
// the bytes per linked contact, so a user can size the disk for their portal and see what audit
// retention (`store.auditRetentionDays`) buys.
import type { Command } from "commander";
import { openStore } from "../../store/open-store.js";
import type { StoreSize } from "../../store/port.js";
import { declareCommand } from "../command-list.js";
import { type CommandIo, commandConfig, printJson } from "../context.js";

export interface StoreStats extends StoreSize {
  path: string;
  /** Database and WAL over the contacts with a CRM link; null when none is linked yet. */
  bytesPerLinkedContact: number | null;
  /** Database and WAL over the contacts qualification has scored; null when none is. */
  bytesPerScoredContact: number | null;
}

export function registerStore(program: Command, io: CommandIo): void {
  const store = declareCommand(program, "store");
  store
    .command("stats")
    .description("print the state store's size per table (rows, table and index bytes) and bytes per linked contact")
    .option("--json", "print JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  leadloop store stats\n  leadloop store stats --json\n\n" +
        "Reads the whole file once; the store is not changed.\n" +
        "Exit status: 0 printed, 1 no store at store.path yet, 2 bad configuration.",
    )
    .action(async function (this: Command, opts: { json?: boolean }) {
      const { loaded } = commandConfig(this, io);
      const path = loaded.config.store.path;
      // A missing file is an answer (exit 1), not something to make.
      const opened = await openStore(loaded.config.store, { existing: true });
      try {
        const size = await opened.size();
        const total = size.fileBytes + size.walBytes;
        const per = (n: number) => (n > 0 ? Math.round(total / n) : null);
        const stats: StoreStats = {
          path,
          ...size,
          bytesPerLinkedContact: per(size.linkedContacts),
          bytesPerScoredContact: per(size.scoredContacts),
        };
        if (opts.json) printJson(io, stats);
        else io.stdout.write(statsText(stats));
      } finally {
        await opened.close();
      }
    });
}

function statsText(s: StoreStats): string {
  const rows = s.tables.filter((t) => t.rows > 0 || t.bytes + t.indexBytes > s.pageSize * 2);
  const head = ["table", "rows", "table bytes", "index bytes", "bytes/row"];
  const body = rows.map((t) => [
    t.name,
    count(t.rows),
    count(t.bytes),
    count(t.indexBytes),
    t.rows > 0 ? count(Math.round((t.bytes + t.indexBytes) / t.rows)) : "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const empty = s.tables.length - rows.length;
  return [
    `${s.path}: ${count(s.fileBytes)} bytes, WAL ${count(s.walBytes)} bytes, ${count(s.freeBytes)} free (page size ${s.pageSize})`,
    "",
    line(head),
    ...body.map(line),
    ...(empty > 0 ? [`(${empty} empty table${empty === 1 ? "" : "s"} not shown)`] : []),
    "",
    `linked contacts: ${count(s.linkedContacts)}, ${s.bytesPerLinkedContact === null ? "-" : count(s.bytesPerLinkedContact)} bytes each`,
    `scored contacts: ${count(s.scoredContacts)}, ${s.bytesPerScoredContact === null ? "-" : count(s.bytesPerScoredContact)} bytes each`,
    "",
  ].join("\n");
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
