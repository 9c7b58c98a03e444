// How attribute values are read for comparison: folded text (case and accents ignored), numbers out of
// the bands people type into size fields, and the domain of an email address or URL.
import { normalizeDomain, normalizeEmail } from "../records.js";
import { textWithin } from "../text/within.js";

const MARKS = /\p{M}/gu;

/** Lower-case, trimmed, accents removed: `  Österreich ` → `osterreich`. */
export function fold(value: string): string {
  return value.trim().normalize("NFD").replace(MARKS, "").toLowerCase();
}

/** Text without accents, case kept; the same string when it has none (the common case allocates nothing). */
export function withoutAccents(value: string): string {
  // Plain ASCII cannot carry accents; skip the normalisation for it.
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 127) return value.normalize("NFD").replace(MARKS, "");
  }
  return value;
}

const LEADING_NUMBER = /^[\s~<>≈]*(\d[\d,\s_']*(?:\.\d+)?)/;

/**
 * A number from a field: `250`, `1,200`, `51-200` (a band: its lower bound), `1000+`; null when there is
 * none. Size fields are often picklists of bands, and a band's lower bound is what it guarantees.
 */
export function numberOf(value: string): number | null {
  const found = LEADING_NUMBER.exec(value);
  if (!found) return null;
  const n = Number(found[1]!.replace(/[,\s_']/g, ""));
  return Number.isFinite(n) ? n : null;
}

/** The domain of an email address (`ana@Mail.Acme.com` → `mail.acme.com`) or of a URL or bare domain. */
export function domainOf(value: string): string | null {
  if (value.includes("@")) {
    const email = normalizeEmail(value);
    if (!email) return null;
    const domain = email.slice(email.lastIndexOf("@") + 1);
    return domain || null;
  }
  return normalizeDomain(value);
}

/** A domain as a list holds it: lower-case, without a leading `@` or `.`. */
export function listDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^[@.]+/, "");
}

/** True when `domain` is in `set` or is a subdomain of a member: checks `a.b.c`, `b.c`, `c`. */
export function domainInSet(domain: string, set: ReadonlySet<string>): boolean {
  let rest = domain;
  for (;;) {
    if (set.has(rest)) return true;
    const dot = rest.indexOf(".");
    if (dot < 0) return false;
    rest = rest.slice(dot + 1);
  }
}

/** Cuts text for a reason or summary line, marking the cut. */
export function cut(value: string, max: number): string {
  return textWithin(value.replace(/\s+/g, " ").trim(), max);
}
