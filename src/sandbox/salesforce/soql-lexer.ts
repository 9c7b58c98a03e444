// Splits a SOQL statement into tokens, keeping each token's column so errors can point at it the way
// Salesforce's MALFORMED_QUERY messages do ("ERROR at Row:1:Column:N").
import { SalesforceApiError } from "./errors.js";

export type TokenKind = "ident" | "string" | "number" | "date" | "datetime" | "op" | "punct" | "eof";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Character offset in the statement. */
  pos: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/;

/**
 * Which dateTime literals a WHERE clause takes: "documented" (default), the forms the SOQL and SOSL
 * reference lists, to the second (`YYYY-MM-DDThh:mm:ssZ`, `…+hh:mm`, `…-hh:mm`; "Date Formats and Date
 * Literals in WHERE"), a literal with fractional seconds refused with MALFORMED_QUERY; "fractional", the
 * lenient option, also `…:ss.SSSZ`, which a real org was recorded taking
 * (test/fixtures/salesforce-recorded) though no reference lists it.
 */
export type SoqlDateTimes = "documented" | "fractional";
const DATE = /^\d{4}-\d{2}-\d{2}(?![\d:T])/;
const NUMBER = /^-?\d+(\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;

export function tokenize(soql: string, dateTimes: SoqlDateTimes = "documented"): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = soql.slice(i);
    if (c === "'") {
      const { value, end } = readString(soql, i);
      tokens.push({ kind: "string", text: value, pos: i });
      i = end;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime?.[1] !== undefined && dateTimes === "documented") {
      // The wording is the emulator's; the reference lists the forms, not the refusal of others.
      throw malformed(soql, i + 19, `unexpected token: '${datetime[1]}' (a dateTime literal is to the second)`);
    }
    if (datetime) {
      tokens.push({ kind: "datetime", text: datetime[0], pos: i });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: "date", text: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && (c !== "-" || /\d/.test(rest.charAt(1)))) {
      tokens.push({ kind: "number", text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident) {
      tokens.push({ kind: "ident", text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const two = rest.slice(0, 2);
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=") {
      tokens.push({ kind: "op", text: two, pos: i });
      i += 2;
      continue;
    }
    if (c === "=" || c === "<" || c === ">") {
      tokens.push({ kind: "op", text: c, pos: i });
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === ":") {
      tokens.push({ kind: "punct", text: c, pos: i });
      i++;
      continue;
    }
    throw malformed(soql, i, `unexpected token: '${c}'`);
  }
  tokens.push({ kind: "eof", text: "", pos: soql.length });
  return tokens;
}

/** Reads a single-quoted literal with SOQL's backslash escapes. */
function readString(soql: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  const escapes: Record<string, string> = {
    n: "\n",
    r: "\r",
    t: "\t",
    b: "\b",
    f: "\f",
    "'": "'",
    '"': '"',
    "\\": "\\",
  };
  while (i < soql.length) {
    const c = soql.charAt(i);
    if (c === "\\") {
      const next = soql.charAt(i + 1);
      // LIKE keeps \% and \_ escaped so the pattern matcher can tell them from wildcards.
      if (next === "%" || next === "_") value += `\\${next}`;
      else if (next in escapes) value += escapes[next];
      else
        throw malformed(
          soql,
          i,
          `Invalid string literal '${soql.slice(start, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
        );
      i += 2;
      continue;
    }
    if (c === "'") return { value, end: i + 1 };
    value += c;
    i++;
  }
  throw malformed(soql, start, "unexpected token: <EOF>");
}

/** Salesforce's MALFORMED_QUERY message: the statement, a caret, and the row/column of the fault. */
export function queryError(errorCode: string, soql: string, pos: number, detail: string): SalesforceApiError {
  const before = soql.slice(0, pos);
  const row = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  const line = soql.split("\n")[row - 1] ?? soql;
  const caret = `${" ".repeat(Math.max(0, column - 1))}^`;
  return new SalesforceApiError(
    400,
    errorCode,
    `\n${line}\n${caret}\nERROR at Row:${row}:Column:${column}\n${detail}`,
  );
}

export function malformed(soql: string, pos: number, detail: string): SalesforceApiError {
  return queryError("MALFORMED_QUERY", soql, pos, detail);
}
