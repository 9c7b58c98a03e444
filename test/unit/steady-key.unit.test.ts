// A steady score's inputs key (core/scoring/steady-score.ts) is hashed as its parts come, and must stay
// the hash of their text joined as a store at an earlier version kept it: a key that changed would make
// every kept steady score read as moved, and the first run after an upgrade would score everyone again.
import { scoreInputsKey } from "../../src/core/scoring/steady-score.js";
import { hash64 } from "../../src/core/write-loop.js";

/** The key as it was first made: the context, each value marked (NUL-joined), the company's after. */
function joinedKey(
  person: Record<string, string | null | undefined>,
  personFields: string[],
  company: Record<string, string | null | undefined> | undefined,
  companyFields: string[],
  context: string,
): string {
  const text = (v: string | null | undefined) => (v === null || v === undefined ? "\u0001" : `=${v}`);
  const parts = [context, ...personFields.map((f) => text(person[f])), company ? "company" : "no company"];
  if (company) parts.push(...companyFields.map((f) => text(company[f])));
  return hash64(parts.join("\u0000"));
}

describe("a steady score's inputs key", () => {
  const personFields = ["email", "firstname", "lastname", "jobtitle", "hs_analytics_num_page_views", "associatedcompanyid"];
  const companyFields = ["name", "numberofemployees", "industry"];
  const people: Record<string, string | null | undefined>[] = [
    { email: "Anais.Berenger@SGO-Optique.fr", firstname: "Anaïs", lastname: "Bérenger", jobtitle: "Directrice Marketing", hs_analytics_num_page_views: "12", associatedcompanyid: "901" },
    { email: "zoe@exemple.fr", firstname: "", lastname: null, jobtitle: "  ", associatedcompanyid: undefined },
    // A value that reads like the marks and separators the key puts between values.
    { email: "=\u0001", firstname: "\u0000company", lastname: "x".repeat(5_000), jobtitle: "VP Sales — EMEA & Ålesund" },
  ];
  const companies = [undefined, { name: "Société Générale d'Optique", numberofemployees: "420", industry: null }];

  it("is the hash of its values' text joined, for every person, with a company or none", () => {
    for (const person of people)
      for (const company of companies)
        for (const context of ["4f2a9c1e0b7d3a55|365|false", ""])
          expect(scoreInputsKey(person, personFields, company, companyFields, context)).toBe(
            joinedKey(person, personFields, company, companyFields, context),
          );
  });

  it("with the values a score write is about to give the contact, is the key of her fields with them over hers", () => {
    const anais = people[0]!;
    const written = { jobtitle: null, hs_analytics_num_page_views: "13", lastname: "Bérenger-Ñúñez", leadloop_score: "42.5" };
    for (const company of companies)
      expect(scoreInputsKey(anais, personFields, company, companyFields, "c", written)).toBe(
        joinedKey({ ...anais, ...written }, personFields, company, companyFields, "c"),
      );
    expect(scoreInputsKey(anais, personFields, companies[1], companyFields, "c", written)).not.toBe(
      scoreInputsKey(anais, personFields, companies[1], companyFields, "c"),
    );
  });

  it("differs where a value moves between the person's and the company's fields, or from blank to empty", () => {
    const anais = people[0]!;
    const key = scoreInputsKey(anais, personFields, companies[1], companyFields, "c");
    expect(scoreInputsKey({ ...anais, jobtitle: null }, personFields, companies[1], companyFields, "c")).not.toBe(key);
    expect(scoreInputsKey({ ...anais, jobtitle: "" }, personFields, companies[1], companyFields, "c")).not.toBe(
      scoreInputsKey({ ...anais, jobtitle: null }, personFields, companies[1], companyFields, "c"),
    );
    expect(scoreInputsKey(anais, personFields, undefined, companyFields, "c")).not.toBe(key);
  });
});
