// How real people and reps mangle values: case, stray spaces, country and state spellings, email case,
// website forms. Each function returns a variant of a clean value; none changes what the value means.
import type { Random } from "./random.js";
import { type Country, usStateName } from "./vocab/places.js";

export function spellCountry(rng: Random, country: Country): string {
  const [english, ...others] = country.spellings;
  if (english === undefined || others.length === 0 || rng.chance(0.6)) return english ?? country.iso;
  return rng.pick(others);
}

export function spellState(rng: Random, code: string): string {
  return rng.weighted<string>([
    [code, 6],
    [usStateName(code), 3],
    [code.toLowerCase(), 1],
  ]);
}

/** "mcdonald" → "mcDonald", "smith" → "smith": a surname typed without its capital. */
export function lowerInitial(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function pad(rng: Random, value: string): string {
  return rng.weighted<string>([
    [` ${value}`, 1],
    [`${value} `, 2],
    [`  ${value}  `, 1],
    [`${value}\t`, 1],
  ]);
}

/** "ana.lopez@acme.com" → "Ana.Lopez@Acme.com". */
export function capitalisedEmail(email: string): string {
  return email.replace(/(^|[._\-@])([a-z])/g, (_match, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** The same address as a rep or an import typed it: other case, or stray whitespace, never identical. */
export function driftedEmail(rng: Random, email: string): string {
  const lower = email.toLowerCase();
  const variants = [capitalisedEmail(lower), lower.toUpperCase(), `${lower} `, ` ${capitalisedEmail(lower)}`];
  const different = variants.filter((variant) => variant !== email);
  return rng.pick(different);
}

export function websiteFor(rng: Random, domain: string): string {
  return rng.weighted<string>([
    [`https://www.${domain}`, 4],
    [`www.${domain}`, 3],
    [domain, 2],
    [`http://${domain}/`, 1],
    [`https://${domain.toUpperCase()}`, 1],
  ]);
}

/** A company name as a rep typed it into the CRM ("Bluepeak Software GmbH" → "Bluepeak Software"). */
export function accountNameFor(rng: Random, name: string): string {
  return rng.weighted<string>([
    [name, 5],
    [
      name.replace(
        / (Inc\.|LLC|Corp\.|GmbH|AG|Ltd\.?|plc|SA|SAS|S\.L\.|S\.A\.|Ltda\.|K\.K\.|Pty Ltd|Pvt Ltd|B\.V\.|N\.V\.)$/,
        "",
      ),
      2,
    ],
    [name.replace(/ Inc\.$/, ", Inc."), 1],
    [name.toUpperCase(), 1],
  ]);
}
