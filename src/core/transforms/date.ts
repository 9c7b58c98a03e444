// `date`: converts between the date forms two systems hold: ISO date (YYYY-MM-DD), ISO date-time
// (canonical: UTC with milliseconds), epoch milliseconds (HubSpot), or a date-fns pattern. Going to the
// CRM it reads the marketing form and writes the CRM form; going to marketing the reverse.
//
// Everything is computed in UTC whatever the server's time zone: a date-time becomes the UTC calendar
// date, a date becomes midnight UTC, and a pattern is read and written as UTC wall-clock time (so zone
// tokens such as `X` or `O` in a pattern are not supported).

// Each function from its own module: the package's index loads all of its 300 (ARCHITECTURE.md "CLI").
import { format as formatDate } from "date-fns/format";
import { isExists } from "date-fns/isExists";
import { isValid } from "date-fns/isValid";
import { parse as parseDate } from "date-fns/parse";
import { parseISO } from "date-fns/parseISO";
// A date whose wall clock is UTC's: date-fns reads and sets a pattern's fields through it, so no server zone's
// summer time moves a field (through local time, 02:30 on 2027-03-28 in Europe/Paris does not exist and read
// as 03:30, both ways).
import { utc } from "@date-fns/utc";
import type { DateForm } from "../mapping.js";
import { broken, type CompiledStep, fail, ok, quote, type StepFn } from "./result.js";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH_MS = /^-?\d{1,16}$/;
/** The range a JS Date can hold (±100,000,000 days around 1970). */
const MAX_MS = 8.64e15;

/** Date-fns fills fields the pattern lacks from this reference; a fixed one keeps the core pure. */
const REFERENCE = utc(Date.UTC(2000, 0, 1));

type Reader = (value: string) => number | undefined;
type Writer = (ms: number) => string;

/** Why a form is unusable (e.g. a date-fns pattern it cannot read), or undefined when it is fine. */
export function dateFormProblem(form: DateForm): string | undefined {
  if (typeof form === "string") return undefined;
  try {
    formatDate(new Date(0), form.pattern);
    return undefined;
  } catch (err) {
    return `date pattern ${quote(form.pattern)} is not a valid date-fns pattern: ${(err as Error).message}`;
  }
}

export function describeForm(form: DateForm): string {
  return typeof form === "string" ? form : `pattern ${quote(form.pattern)}`;
}

export function compileDate(marketing: DateForm, crm: DateForm): CompiledStep {
  const problem = dateFormProblem(marketing) ?? dateFormProblem(crm);
  if (problem) return broken(problem);
  return {
    toCrm: convert(marketing, crm),
    toMarketing: convert(crm, marketing),
  };
}

function convert(from: DateForm, to: DateForm): StepFn {
  const read = reader(from);
  const write = writer(to);
  const expected = describeForm(from);
  return (value) => {
    const ms = read(value.trim());
    if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > MAX_MS) {
      return fail(`value ${quote(value)} is not a valid ${expected}`);
    }
    return ok(write(ms));
  };
}

function reader(form: DateForm): Reader {
  if (form === "date") {
    return (value) => {
      const m = ISO_DATE.exec(value);
      if (!m) return undefined;
      const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
      return isExists(y, mo, d) ? Date.UTC(y, mo, d) : undefined;
    };
  }
  if (form === "datetime") {
    return (value) => {
      if (!ISO_DATETIME.test(value)) return undefined;
      // Canonical date-times are UTC; one without an offset is read as UTC, not as server-local time.
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
      const parsed = parseISO(zoned);
      return isValid(parsed) ? parsed.getTime() : undefined;
    };
  }
  if (form === "epoch_ms") {
    return (value) => (EPOCH_MS.test(value) ? Number(value) : undefined);
  }
  const pattern = form.pattern;
  return (value) => {
    let parsed: Date;
    try {
      parsed = parseDate(value, pattern, REFERENCE, { in: utc });
    } catch {
      return undefined;
    }
    return isValid(parsed) ? parsed.getTime() : undefined;
  };
}

function writer(form: DateForm): Writer {
  if (form === "date") return (ms) => new Date(ms).toISOString().slice(0, 10);
  if (form === "datetime") return (ms) => new Date(ms).toISOString();
  if (form === "epoch_ms") return (ms) => String(ms);
  const pattern = form.pattern;
  return (ms) => formatDate(ms, pattern, { in: utc });
}
