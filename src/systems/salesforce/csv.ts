// Bulk API 2.0 job data and results as CSV (Bulk API 2.0 Developer Guide, "Valid CSV Record Rows",
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_bulk_v2/datafiles_csv_valid_record_rows.htm):
// comma-delimited, a field holding a comma, quote or line break quoted, a quote inside one doubled.
// csv-stringify writes job data with LF row ends (the job's `lineEnding: LF`); csv-parse reads results,
// comma-delimited only (never guessing among Bulk API's six delimiters), strict about quotes, with LF or
// CRLF row ends. Every value stays text: "00742" keeps its zeros, and `#N/A` (null) is the caller's.
// The emulator keeps its own CSV code on purpose: it models Salesforce apart from this adapter, so a bug in
// one cannot hide behind the same bug in the other.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

/** Rows of fields, header first; throws on an unterminated quote or rows of differing widths. */
export function parseCsv(text: string): string[][] {
  return parse(text, {
    delimiter: ",",
    quote: '"',
    escape: '"',
    bom: true,
    // A row of another width is a broken answer, not something to pad.
    relax_column_count: false,
    skip_empty_lines: false,
  }) as string[][];
}

/** One CSV text with LF row ends; fields are quoted only when they need it. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  // `quoted_match` adds a lone CR, which csv-stringify would otherwise leave bare inside a field.
  return stringify(rows as string[][], { delimiter: ",", record_delimiter: "unix", quoted_match: /\r/ });
}
