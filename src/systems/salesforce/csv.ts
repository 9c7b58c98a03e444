// RFC 4180 CSV for Bulk API 2.0 job data and results (Bulk API 2.0 Developer Guide, "Prepare CSV Files"):
// comma-delimited, fields with commas, quotes or line breaks quoted, a quote inside one doubled, and a
// quoted field may span lines. LF and CRLF row ends are both read. Job data is written with LF row ends.
// The emulator keeps its own CSV code on purpose: it models Salesforce apart from this adapter, so a bug in
// one reader cannot hide behind the same bug in the other.

/** Rows of fields; throws on an unterminated quoted field or a stray quote inside an unquoted one. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = "";
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (field.length > 0 || wasQuoted) throw new Error(`CSV: stray quote in an unquoted field at ${i}`);
      quoted = true;
      wasQuoted = true;
      i += 1;
    } else if (c === ",") {
      endField();
      i += 1;
    } else if (c === "\r" && text[i + 1] === "\n") {
      endRow();
      i += 2;
    } else if (c === "\n") {
      endRow();
      i += 1;
    } else {
      if (wasQuoted) throw new Error(`CSV: text after a closing quote at ${i}`);
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error("CSV: unterminated quoted field");
  // A final line without a line break still counts; a trailing line break does not start a new row.
  if (field.length > 0 || wasQuoted || row.length > 0) endRow();
  return rows;
}

/** One CSV text with LF row ends; fields are quoted only when they need it. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(quoteField).join(",")).join("\n") + (rows.length > 0 ? "\n" : "");
}

function quoteField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
