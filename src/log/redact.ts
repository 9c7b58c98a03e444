// Blanks secrets before anything is logged: fields whose names say they hold a credential, bearer
// tokens inside text, and the exact secret values taken from the configuration.

const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|cookie|session[-_]?id|signature/i;
const BEARER = /\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=!-]+/gi;
const REDACTED = "[redacted]";

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(BEARER, `$1 ${REDACTED}`);
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/** A deep copy of `value` with credential fields and secret values blanked; symbols are kept. */
export function redactFields(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, secrets, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message, secrets) };
  }
  const out: Record<string | symbol, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null ? REDACTED : redactFields(v, secrets, depth + 1);
  }
  // winston keeps its level and message under symbols; they must survive the copy.
  for (const s of Object.getOwnPropertySymbols(value)) out[s] = (value as Record<symbol, unknown>)[s];
  return out;
}
