// Parses the SOQL subset leadloop needs into a syntax tree (SOQL and SOSL Reference: SELECT, WHERE,
// ORDER BY, LIMIT, OFFSET, date formats and date literals). Names are checked against the schema later.
import { SalesforceApiError } from "./errors.js";
import { malformed, type SoqlDateTimes, type Token, tokenize } from "./soql-lexer.js";

export interface FieldRef {
  /** As written: `Owner.Email` is ["Owner", "Email"]. */
  path: string[];
  pos: number;
}

export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "date"; value: string }
  | { kind: "datetime"; value: number; text: string }
  | { kind: "dateLiteral"; name: string; n?: number };

export type CompareOp = "=" | "!=" | "<" | ">" | "<=" | ">=";

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; inner: Condition }
  | { kind: "compare"; field: FieldRef; op: CompareOp; value: Literal; pos: number }
  | { kind: "in"; field: FieldRef; negated: boolean; values: Literal[]; pos: number }
  | { kind: "like"; field: FieldRef; pattern: string; pos: number };

export interface OrderItem {
  field: FieldRef;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  text: string;
  /** Empty for `SELECT COUNT()`. */
  fields: FieldRef[];
  count: boolean;
  from: { name: string; pos: number };
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

/** Date literals that take `:n` (SOQL and SOSL Reference, "Date Formats and Date Literals"). */
export const N_DATE_LITERALS = new Set(["LAST_N_DAYS", "NEXT_N_DAYS"]);
export const DATE_LITERALS = new Set([
  "TODAY",
  "YESTERDAY",
  "TOMORROW",
  "LAST_WEEK",
  "THIS_WEEK",
  "LAST_MONTH",
  "THIS_MONTH",
]);

const RESERVED = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "AND",
  "OR",
  "NOT",
  "IN",
  "LIKE",
  "ORDER",
  "BY",
  "LIMIT",
  "OFFSET",
  "NULLS",
  "ASC",
  "DESC",
]);

/**
 * Salesforce's limits on a statement's size (Salesforce Developer Limits and Allocations Quick Reference,
 * "SOQL and SOSL Limits for Search Queries"): a statement of at most 100,000 characters (past it, MALFORMED_QUERY
 * "SOQL statements can not be longer than 100000 characters", as django-salesforce #164 reports it), and at
 * most 4,000 characters in each string within a WHERE clause (that refusal's wording is the emulator's own).
 */
export const SOQL_MAX_LENGTH = 100_000;
export const SOQL_WHERE_STRING_MAX_LENGTH = 4_000;

export function parseSoql(text: string, dateTimes?: SoqlDateTimes): SoqlQuery {
  if (text.length > SOQL_MAX_LENGTH) {
    throw new SalesforceApiError(
      400,
      "MALFORMED_QUERY",
      `SOQL statements can not be longer than ${SOQL_MAX_LENGTH} characters`,
    );
  }
  return new Parser(text, dateTimes).parse();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    private readonly text: string,
    dateTimes?: SoqlDateTimes,
  ) {
    this.tokens = tokenize(text, dateTimes);
  }

  parse(): SoqlQuery {
    this.keyword("SELECT");
    const fields: FieldRef[] = [];
    let count = false;
    if (this.isKeyword("COUNT") && this.peek(1).text === "(") {
      this.next();
      this.expect("(");
      this.expect(")");
      count = true;
    } else {
      do fields.push(this.fieldRef());
      while (this.accept(","));
    }
    this.keyword("FROM");
    const fromToken = this.next();
    if (fromToken.kind !== "ident" || fromToken.text.includes(".")) throw this.unexpected(fromToken);
    const query: SoqlQuery = {
      text: this.text,
      fields,
      count,
      from: { name: fromToken.text, pos: fromToken.pos },
      orderBy: [],
    };
    if (this.acceptKeyword("WHERE")) query.where = this.orExpression();
    const orderToken = this.peek();
    if (this.acceptKeyword("ORDER")) {
      // "You can't use COUNT() with an ORDER BY clause" (SOQL and SOSL Reference, "COUNT() and COUNT(fieldName)").
      if (count) throw malformed(this.text, orderToken.pos, "ORDER BY can't be used with COUNT(); use COUNT(fieldName) instead");
      this.keyword("BY");
      do query.orderBy.push(this.orderItem());
      while (this.accept(","));
    }
    if (this.acceptKeyword("LIMIT")) query.limit = this.integer();
    if (this.acceptKeyword("OFFSET")) query.offset = this.integer();
    const end = this.peek();
    if (end.kind !== "eof") throw this.unexpected(end);
    return query;
  }

  private orderItem(): OrderItem {
    const field = this.fieldRef();
    let descending = false;
    if (this.acceptKeyword("DESC")) descending = true;
    else this.acceptKeyword("ASC");
    // The reference says null values sort first unless NULLS LAST is given, whatever the direction.
    let nullsLast = false;
    if (this.acceptKeyword("NULLS")) {
      if (this.acceptKeyword("LAST")) nullsLast = true;
      else this.keyword("FIRST");
    }
    return { field, descending, nullsLast };
  }

  private orExpression(): Condition {
    let left = this.andExpression();
    while (this.acceptKeyword("OR")) left = { kind: "or", left, right: this.andExpression() };
    return left;
  }

  private andExpression(): Condition {
    let left = this.unary();
    while (this.acceptKeyword("AND")) left = { kind: "and", left, right: this.unary() };
    return left;
  }

  private unary(): Condition {
    if (this.acceptKeyword("NOT")) return { kind: "not", inner: this.unary() };
    if (this.accept("(")) {
      const inner = this.orExpression();
      this.expect(")");
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Condition {
    const field = this.fieldRef();
    const token = this.peek();
    if (token.kind === "op") {
      this.next();
      const op = (token.text === "<>" ? "!=" : token.text) as CompareOp;
      return { kind: "compare", field, op, value: this.literal(), pos: token.pos };
    }
    if (this.acceptKeyword("LIKE")) {
      const pattern = this.next();
      if (pattern.kind !== "string") throw this.unexpected(pattern);
      return { kind: "like", field, pattern: pattern.text, pos: token.pos };
    }
    let negated = false;
    if (this.isKeyword("NOT") && this.peek(1).text.toUpperCase() === "IN") {
      this.next();
      negated = true;
    }
    if (this.acceptKeyword("IN")) {
      this.expect("(");
      const values: Literal[] = [];
      do values.push(this.literal());
      while (this.accept(","));
      this.expect(")");
      return { kind: "in", field, negated, values, pos: token.pos };
    }
    throw this.unexpected(token);
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.kind) {
      case "string":
        if (token.text.length > SOQL_WHERE_STRING_MAX_LENGTH) {
          throw malformed(
            this.text,
            token.pos,
            `String literal is ${token.text.length} characters long; strings in a WHERE clause may be ${SOQL_WHERE_STRING_MAX_LENGTH} at most.`,
          );
        }
        return { kind: "string", value: token.text };
      case "number":
        return { kind: "number", value: Number(token.text) };
      case "date":
        return { kind: "date", value: token.text };
      case "datetime":
        return { kind: "datetime", value: Date.parse(token.text), text: token.text };
      case "ident": {
        const upper = token.text.toUpperCase();
        if (upper === "NULL") return { kind: "null" };
        if (upper === "TRUE" || upper === "FALSE") return { kind: "boolean", value: upper === "TRUE" };
        if (DATE_LITERALS.has(upper)) return { kind: "dateLiteral", name: upper };
        if (N_DATE_LITERALS.has(upper)) {
          this.expect(":");
          return { kind: "dateLiteral", name: upper, n: this.integer() };
        }
        throw this.unexpected(token);
      }
      default:
        throw this.unexpected(token);
    }
  }

  private fieldRef(): FieldRef {
    const token = this.next();
    if (token.kind !== "ident" || RESERVED.has(token.text.toUpperCase())) throw this.unexpected(token);
    return { path: token.text.split("."), pos: token.pos };
  }

  private integer(): number {
    const token = this.next();
    if (token.kind !== "number" || !/^\d+$/.test(token.text)) throw this.unexpected(token);
    return Number(token.text);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  private accept(punct: string): boolean {
    if (this.peek().kind === "punct" && this.peek().text === punct) {
      this.next();
      return true;
    }
    return false;
  }

  private expect(punct: string): void {
    if (!this.accept(punct)) throw this.unexpected(this.peek());
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === "ident" && token.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.next();
    return true;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek());
  }

  private unexpected(token: Token): Error {
    const shown = token.kind === "eof" ? "<EOF>" : token.kind === "string" ? `'${token.text}'` : token.text;
    return malformed(this.text, token.pos, `unexpected token: ${shown}`);
  }
}
