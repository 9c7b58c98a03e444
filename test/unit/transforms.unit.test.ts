import type { FieldMapping, Transform } from "../../src/core/mapping.js";
import { applyToCrm, applyToMarketing } from "../../src/core/transforms/apply.js";
import { transformProblem } from "../../src/core/transforms/compile.js";
import countries from "i18n-iso-countries/index.js";
import { allCountryCodes, resolveCountry } from "../../src/core/transforms/country-names.js";
import { titleCase } from "../../src/core/transforms/text-case.js";

function field(transforms: Transform[], marketing = "country", crm = "Country"): FieldMapping {
  return { marketing, crm, direction: "both", conflict: "most_recent", transforms };
}

const toCrm = (transforms: Transform[], value: string | null) => applyToCrm(field(transforms), value);
const toMarketing = (transforms: Transform[], value: string | null) =>
  applyToMarketing(field(transforms), value);

describe("trim", () => {
  const steps: Transform[] = [{ kind: "trim" }];
  it.each([
    ["  Ana López \t", "Ana López"],
    ["Acme  Corp", "Acme  Corp"], // inner runs of white space are kept on purpose
    ["   ", null],
    ["", null],
  ])("%j → %j both ways", (input, expected) => {
    expect(toCrm(steps, input)).toEqual({ ok: true, value: expected });
    expect(toMarketing(steps, input)).toEqual({ ok: true, value: expected });
  });
});

describe("case", () => {
  it("lower- and upper-cases, including accented letters", () => {
    expect(toCrm([{ kind: "case", to: "lower" }], "Ana.LÓPEZ@Acme.COM")).toEqual({
      ok: true,
      value: "ana.lópez@acme.com",
    });
    expect(toCrm([{ kind: "case", to: "upper" }], "straße élan")).toEqual({
      ok: true,
      value: "STRASSE ÉLAN",
    });
  });

  it.each([
    ["josé maría o'brien-núñez", "José María O'Brien-Núñez"],
    ["ÉLODIE d’ARTAGNAN", "Élodie D’Artagnan"],
    ["DON'T STOP", "Don't Stop"],
    ["McDONALD", "Mcdonald"], // documented: no Mc/Mac rules
    ["jean-luc   picard", "Jean-Luc   Picard"],
    ["3rd floor (north)", "3rd Floor (North)"],
    ["ßtrasse GROẞ", "ßtrasse Groß"], // no one-letter capital of ß: kept, so twice is once (found by fast-check)
    ["ZOË SALDAÑA", "Zoë Saldaña"],
  ])("title-cases %j as %j", (input, expected) => {
    expect(titleCase(input)).toBe(expected);
  });

  it("title-cases decomposed accents (NFD) without breaking words", () => {
    expect(titleCase("jose\u0301 nu\u0301n\u0303ez")).toBe("Jose\u0301 Nu\u0301n\u0303ez");
  });

  it("applies the same normalisation going to marketing", () => {
    expect(toMarketing([{ kind: "case", to: "title" }], "MARÍA")).toEqual({ ok: true, value: "María" });
  });
});

describe("phone_e164", () => {
  const phoneField = (transform: Partial<Extract<Transform, { kind: "phone_e164" }>> = {}): FieldMapping =>
    field([{ kind: "phone_e164", defaultCountry: "US", invalid: "error", ...transform }], "phone", "Phone");

  it("with invalid: keep passes a number it cannot read through, trimmed, instead of failing the record", () => {
    const f = phoneField({ invalid: "keep" });
    expect(applyToCrm(f, " 020 7946 0958 x12 ")).toEqual({ ok: true, value: "020 7946 0958 x12" });
    expect(applyToCrm(f, "(415) 555-0134")).toEqual({ ok: true, value: "+14155550134" });
  });

  const phone = (country: string): Transform[] => [
    { kind: "phone_e164", defaultCountry: country, invalid: "error" },
  ];
  it.each([
    ["US", "+1 (415) 555-0134", "+14155550134"],
    ["US", "415.555.0134", "+14155550134"],
    ["US", "1-415-555-0134", "+14155550134"],
    ["US", "011 44 20 7946 0958", "+442079460958"],
    ["US", "0049 30 1234567", "+49301234567"],
    ["US", "+49 (0)30 1234567", "+49301234567"],
    ["US", "(212) 555-0187", "+12125550187"],
    ["GB", "020 7946 0958", "+442079460958"],
    ["GB", "+44 (0)20 7946 0958", "+442079460958"],
    ["GB", "07911 123456", "+447911123456"],
    ["GB", "0044 161 496 0000", "+441614960000"],
    ["DE", "030 1234567", "+49301234567"],
    ["DE", "(030) 901820", "+4930901820"],
    ["DE", "0151/12345678", "+4915112345678"],
    ["DE", "+49 89 636-48018", "+498963648018"],
    ["FR", "01 23 45 67 89", "+33123456789"],
    ["FR", "06 12 34 56 78", "+33612345678"],
    ["FR", "+33 (0)1 42 68 53 00", "+33142685300"],
    ["FR", "0033 1 42 68 53 00", "+33142685300"],
    ["SE", "08-123 456 78", "+46812345678"],
    ["SE", "070-123 45 67", "+46701234567"],
    ["SE", "+46 (0)8 123 456 78", "+46812345678"],
    ["IT", "06 1234 5678", "+390612345678"],
    ["ES", "912 345 678", "+34912345678"],
    ["AU", "0011 1 415 555 0134", "+14155550134"],
    ["KE", "0712 345678", "+254712345678"],
    ["us", "+1\u00a0415\u00a0555\u00a00134", "+14155550134"],
  ])("[%s] %j → %s", (country, input, expected) => {
    expect(toCrm(phone(country), input)).toEqual({ ok: true, value: expected });
  });

  it("normalises the same way going to marketing", () => {
    expect(toMarketing(phone("GB"), "020 7946 0958")).toEqual({ ok: true, value: "+442079460958" });
  });

  it("reads a national number in the record's own country, in any spelling, before the default", () => {
    const f = phoneField({ countryField: { marketing: "country", crm: "Country" } });
    const marketing = (country: string | null) => ({ side: "marketing" as const, fields: { country } });
    const crm = (Country: string | null) => ({ side: "crm" as const, fields: { Country } });
    expect(applyToCrm(f, "030 1234567", marketing("Deutschland"))).toEqual({ ok: true, value: "+49301234567" });
    expect(applyToCrm(f, "01 42 68 53 00", marketing("France"))).toEqual({ ok: true, value: "+33142685300" });
    expect(applyToCrm(f, "08-123 456 78", marketing("Sverige"))).toEqual({ ok: true, value: "+46812345678" });
    expect(applyToMarketing(f, "020 7946 0958", crm("GB"))).toEqual({ ok: true, value: "+442079460958" });
    // The country of the side the value comes from: the CRM's Country going to marketing.
    expect(applyToMarketing(f, "030 1234567", { side: "crm", fields: { country: "US", Country: "DE" } })).toEqual(
      { ok: true, value: "+49301234567" },
    );
    // An explicit country code wins over the record's country.
    expect(applyToCrm(f, "+1 415 555 0134", marketing("Deutschland"))).toEqual({ ok: true, value: "+14155550134" });
    // Blank or unreadable country: the default country.
    expect(applyToCrm(f, "(415) 555-0134", marketing(null))).toEqual({ ok: true, value: "+14155550134" });
    expect(applyToCrm(f, "(415) 555-0134", marketing("Atlantis"))).toEqual({ ok: true, value: "+14155550134" });
  });

  it.each([
    ["555-0134", "too few digits"],
    ["call me maybe", "it contains letters"],
    ["+1 415 555 0134 ext. 12", "it has an extension, which E.164 cannot hold"],
    ["(415) 555-0134 x 7", "it has an extension, which E.164 cannot hold"],
    ["+999 1234 5678", "it does not start with a known country calling code"],
    ["415*555*0134", "it contains characters other than digits"],
    ["+1 015 555 0134", "it fits no number range of US"],
    ["+49 30 1234567890123456", "too many digits"],
    ["+44 7700 900123", "it fits no number range of GB"], // Ofcom's range kept for drama
    ["07911 123456", "too many digits for US"], // a UK mobile in a US record without +44
    ["+44 20 7946 095", "of GB"],
    ["+33 1 23 45 67", "for FR"],
  ])("refuses %j", (input, reason) => {
    const result = applyToCrm(phoneField(), input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(`phone → Phone: value ${JSON.stringify(input)} is not a phone number:`);
      expect(result.message).toContain(reason);
    }
  });

  it("fails every value when the default country is unknown, and the loader check says why", () => {
    expect(toCrm(phone("XX"), "415 555 0134")).toEqual({
      ok: false,
      message:
        'country → Country: phone_e164: "XX" is not an ISO 3166 alpha-2 country code with a telephone numbering plan',
    });
    expect(transformProblem({ kind: "phone_e164", defaultCountry: "XX", invalid: "error" })).toContain(
      "not an ISO 3166",
    );
    expect(transformProblem({ kind: "phone_e164", defaultCountry: "gb", invalid: "error" })).toBeUndefined();
    expect(transformProblem({ kind: "phone_e164", defaultCountry: "ZW", invalid: "error" })).toBeUndefined();
  });
});

describe("country_iso", () => {
  const steps: Transform[] = [{ kind: "trim" }, { kind: "country_iso" }];
  it.each([
    ["United States", "US"],
    ["United States of America", "US"],
    ["USA", "US"],
    ["U.S.A.", "US"],
    ["U.S.", "US"],
    ["us", "US"],
    ["united states of america", "US"],
    ["Estados Unidos", "US"],
    ["Vereinigte Staaten", "US"],
    ["Deutschland", "DE"],
    ["Germany", "DE"],
    ["Allemagne", "DE"],
    ["Tyskland", "DE"],
    ["DEU", "DE"],
    ["UK", "GB"],
    ["Great Britain", "GB"],
    ["Royaume-Uni", "GB"],
    ["Vereinigtes Königreich", "GB"],
    ["gbr", "GB"],
    ["España", "ES"],
    ["espana", "ES"],
    ["Espagne", "ES"],
    ["Sverige", "SE"],
    ["Suède", "SE"],
    ["Österreich", "AT"],
    ["oesterreich", "AT"],
    ["Autriche", "AT"],
    ["Schweiz", "CH"],
    ["Suisse", "CH"],
    ["Svizzera", "CH"],
    ["Belgique", "BE"],
    ["België", "BE"],
    ["Belgien", "BE"],
    ["Brasil", "BR"],
    ["Côte d'Ivoire", "CI"],
    ["cote d’ivoire", "CI"],
    ["  the Netherlands ", "NL"],
    ["Nederland", "NL"],
    ["Bosnia & Herzegovina", "BA"],
    ["Türkiye", "TR"],
    ["Turkey", "TR"],
    ["Korea, Republic of", "KR"],
    ["St. Kitts & Nevis", "KN"],
    ["Polska", "PL"],
    ["Česko", "CZ"],
    ["Magyarország", "HU"],
    ["Kosovo", "XK"],
  ])("%j → %s", (input, code) => {
    expect(toCrm(steps, input)).toEqual({ ok: true, value: code });
  });

  it("normalises the same way going to marketing", () => {
    expect(toMarketing(steps, "Deutschland")).toEqual({ ok: true, value: "DE" });
  });

  it("with `to: name` writes the English short name", () => {
    const named: Transform[] = [{ kind: "trim" }, { kind: "country_iso", to: "name" }];
    expect(toCrm(named, "Deutschland")).toEqual({ ok: true, value: "Germany" });
    expect(toCrm(named, "U.S.A.")).toEqual({ ok: true, value: "United States of America" });
    expect(toMarketing(named, "Sverige")).toEqual({ ok: true, value: "Sweden" });
    expect(toCrm(named, "Germany")).toEqual({ ok: true, value: "Germany" });
  });

  it("resolves every country by its code, its alpha-3 code and its CLDR name in English, German, French and Spanish", () => {
    const alpha3 = new Map(Object.entries(countries.getAlpha2Codes()));
    expect(allCountryCodes().length).toBe(250); // 249 ISO 3166-1 entries and Kosovo
    for (const language of ["en", "de", "fr", "es"]) {
      const names = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
      for (const alpha2 of allCountryCodes()) {
        const spellings = [alpha2, alpha2.toLowerCase(), alpha3.get(alpha2)!, names.of(alpha2)].filter(
          (name): name is string => !!name,
        );
        for (const name of spellings) expect([name, resolveCountry(name)]).toEqual([name, alpha2]);
      }
    }
  });

  it("refuses an unknown country, naming the field and the value", () => {
    expect(toCrm(steps, "Atlantis")).toEqual({
      ok: false,
      message: 'country → Country: value "Atlantis" is not a country name or ISO 3166 code',
    });
    expect(toCrm(steps, "EU").ok).toBe(false);
  });
});

describe("value_map", () => {
  const status: Transform = {
    kind: "value_map",
    values: { NEW: "Open - Not Contacted", IN_PROGRESS: "Working - Contacted" },
    caseInsensitive: false,
  };
  const apply = (transforms: Transform[], value: string | null) =>
    applyToCrm(field(transforms, "hs_lead_status", "Status"), value);
  const back = (transforms: Transform[], value: string | null) =>
    applyToMarketing(field(transforms, "hs_lead_status", "Status"), value);

  it("maps marketing → CRM and reads the map backwards towards marketing", () => {
    expect(apply([status], "NEW")).toEqual({ ok: true, value: "Open - Not Contacted" });
    expect(back([status], "Working - Contacted")).toEqual({ ok: true, value: "IN_PROGRESS" });
  });

  it("is case-sensitive unless told otherwise", () => {
    expect(apply([status], "new").ok).toBe(false);
    const loose: Transform = { ...status, caseInsensitive: true };
    expect(apply([loose], "new")).toEqual({ ok: true, value: "Open - Not Contacted" });
    expect(back([loose], "working - CONTACTED")).toEqual({ ok: true, value: "IN_PROGRESS" });
  });

  it("names the value and the allowed ones when the map does not cover it", () => {
    expect(apply([status], "BAD_TIMING")).toEqual({
      ok: false,
      message:
        'hs_lead_status → Status: value "BAD_TIMING" is not in the value map (allowed: NEW, IN_PROGRESS)',
    });
    expect(back([status], "Closed - Converted")).toEqual({
      ok: false,
      message:
        'Status → hs_lead_status: value "Closed - Converted" is not in the value map (allowed: Open - Not Contacted, Working - Contacted)',
    });
  });

  it("lets blank pass through", () => {
    expect(apply([status], null)).toEqual({ ok: true, value: null });
    expect(back([status], "  ")).toEqual({ ok: true, value: null });
  });

  it("reads extra CRM values back (readBack) without writing them", () => {
    const stage: Transform = {
      kind: "value_map",
      values: { qualifiedtobuy: "Qualification" },
      readBack: { "Needs Analysis": "qualifiedtobuy" },
      caseInsensitive: false,
    };
    expect(apply([stage], "qualifiedtobuy")).toEqual({ ok: true, value: "Qualification" });
    expect(back([stage], "Needs Analysis")).toEqual({ ok: true, value: "qualifiedtobuy" });
    expect(back([stage], "Qualification")).toEqual({ ok: true, value: "qualifiedtobuy" });
  });

  it("shortens a long list of allowed values", () => {
    const values = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`V${i}`, `C${i}`]));
    const result = apply([{ kind: "value_map", values, caseInsensitive: false }], "X");
    expect(!result.ok && result.message).toContain("V11, and 8 more)");
  });
});

describe("date", () => {
  const closeDate: Transform = { kind: "date", marketing: "datetime", crm: "date" };
  it.each([
    [closeDate, "2024-03-31T23:30:00.000Z", "2024-03-31"],
    [closeDate, "2024-03-31T23:30:00+02:00", "2024-03-31"],
    [closeDate, "2024-03-31T23:30:00-02:00", "2024-04-01"],
    [closeDate, "2024-02-29T08:00:00Z", "2024-02-29"],
    [{ kind: "date", marketing: "epoch_ms", crm: "date" }, "1711929600000", "2024-04-01"],
    [{ kind: "date", marketing: "epoch_ms", crm: "datetime" }, "1711929600123", "2024-04-01T00:00:00.123Z"],
    [{ kind: "date", marketing: { pattern: "dd/MM/yyyy" }, crm: "date" }, "31/12/2024", "2024-12-31"],
    [{ kind: "date", marketing: "date", crm: { pattern: "d MMM yyyy" } }, "2024-07-04", "4 Jul 2024"],
  ] as [Transform, string, string][])("%j: %s → %s", (step, input, expected) => {
    expect(toCrm([step], input)).toEqual({ ok: true, value: expected });
  });

  it("converts backwards going to marketing", () => {
    expect(toMarketing([closeDate], "2024-03-31")).toEqual({ ok: true, value: "2024-03-31T00:00:00.000Z" });
    expect(toMarketing([{ kind: "date", marketing: "epoch_ms", crm: "date" }], "2024-04-01")).toEqual({
      ok: true,
      value: "1711929600000",
    });
    expect(
      toMarketing([{ kind: "date", marketing: { pattern: "dd/MM/yyyy" }, crm: "date" }], "2024-12-31"),
    ).toEqual({ ok: true, value: "31/12/2024" });
  });

  it.each([
    [closeDate, "2024-02-30T10:00:00Z", "datetime"],
    [closeDate, "yesterday", "datetime"],
    [{ kind: "date", marketing: "date", crm: "datetime" }, "2023-02-29", "date"],
    [{ kind: "date", marketing: "date", crm: "datetime" }, "2024-3-5", "date"],
    [{ kind: "date", marketing: "epoch_ms", crm: "date" }, "17e11", "epoch_ms"],
    [{ kind: "date", marketing: "epoch_ms", crm: "date" }, "9999999999999999", "epoch_ms"],
    [
      { kind: "date", marketing: { pattern: "dd/MM/yyyy" }, crm: "date" },
      "31/13/2024",
      'pattern "dd/MM/yyyy"',
    ],
  ] as [Transform, string, string][])("refuses %j %s", (step, input, form) => {
    expect(toCrm([step], input)).toEqual({
      ok: false,
      message: `country → Country: value ${JSON.stringify(input)} is not a valid ${form}`,
    });
  });

  it("says when a pattern is not a date-fns pattern", () => {
    const bad: Transform = { kind: "date", marketing: { pattern: "dd/MM/yyyy j" }, crm: "date" };
    expect(transformProblem(bad)).toContain("is not a valid date-fns pattern");
    expect(toCrm([bad], "2024-01-01").ok).toBe(false);
  });
});

describe("default", () => {
  const steps: Transform[] = [{ kind: "trim" }, { kind: "default", value: "[not provided]" }];
  it("fills a blank going to the CRM, after trim turned white space into blank", () => {
    expect(toCrm(steps, null)).toEqual({ ok: true, value: "[not provided]" });
    expect(toCrm(steps, "   ")).toEqual({ ok: true, value: "[not provided]" });
    expect(toCrm(steps, "Acme GmbH")).toEqual({ ok: true, value: "Acme GmbH" });
  });

  it("reads its own placeholder back as blank going to marketing, and nothing else", () => {
    expect(toMarketing(steps, "[not provided]")).toEqual({ ok: true, value: null });
    expect(toMarketing(steps, "Acme GmbH ")).toEqual({ ok: true, value: "Acme GmbH" });
    expect(toMarketing(steps, null)).toEqual({ ok: true, value: null });
  });

  it("fills only at its own position: a later step sees the default", () => {
    const upper: Transform[] = [
      { kind: "default", value: "unknown" },
      { kind: "case", to: "upper" },
    ];
    expect(toCrm(upper, null)).toEqual({ ok: true, value: "UNKNOWN" });
  });
});

describe("truncate", () => {
  it("counts characters as Salesforce does (an emoji is two), never splitting an emoji or an accented letter", () => {
    const five: Transform[] = [{ kind: "truncate", length: 5 }];
    expect(toCrm(five, "Zoë 👍🏽 Saldaña")).toEqual({ ok: true, value: "Zoë " });
    expect(toCrm(five, "Núñez")).toEqual({ ok: true, value: "Núñez" });
    expect(toCrm(five, "😀😀😀😀😀")).toEqual({ ok: true, value: "😀😀" });
    expect(toCrm([{ kind: "truncate", length: 6 }], "Zoë 👍🏽 Saldaña")).toEqual({ ok: true, value: "Zoë 👍" });
    expect(toCrm([{ kind: "truncate", length: 255 }], "x".repeat(300))).toEqual({
      ok: true,
      value: "x".repeat(255),
    });
  });

  it("leaves values going to marketing as they are", () => {
    expect(toMarketing([{ kind: "truncate", length: 3 }], "Salesforce")).toEqual({
      ok: true,
      value: "Salesforce",
    });
  });
});

describe("steps in order", () => {
  it("runs in the order written to the CRM and in reverse, with inverses, to marketing", () => {
    const steps: Transform[] = [
      { kind: "trim" },
      { kind: "case", to: "upper" },
      { kind: "value_map", values: { DE: "Germany" }, caseInsensitive: false },
    ];
    expect(toCrm(steps, "  de ")).toEqual({ ok: true, value: "Germany" });
    // Backwards: the map first ("Germany" → "DE"), then upper case, then trim.
    expect(toMarketing(steps, "Germany")).toEqual({ ok: true, value: "DE" });
  });

  it("stops at the first failing step", () => {
    const steps: Transform[] = [{ kind: "country_iso" }, { kind: "default", value: "US" }];
    expect(toCrm(steps, "Narnia")).toEqual({
      ok: false,
      message: 'country → Country: value "Narnia" is not a country name or ISO 3166 code',
    });
  });

  it("prepares a field once and gives the same answers on every call", () => {
    const f = field([{ kind: "trim" }, { kind: "country_iso" }]);
    for (let i = 0; i < 3; i++) expect(applyToCrm(f, " España ")).toEqual({ ok: true, value: "ES" });
  });
});
