import { describe, expect, it } from "@jest/globals";
import { generateContacts, generateSeed, type SeedOptions } from "../../src/sandbox/seed/generate.js";
import {
  ACTIVITY_KINDS,
  HUBSPOT_INDUSTRIES,
  HUBSPOT_SOURCES,
  LIFECYCLE_STAGES,
  type SeedData,
} from "../../src/sandbox/seed/types.js";
import { COMPETITOR_DOMAINS, FREE_MAIL_DOMAINS } from "../../src/sandbox/seed/vocab/business.js";
import {
  ACCENTED_FIRST_NAMES,
  asciiName,
  LAST_NAMES,
  PLAIN_FIRST_NAMES,
} from "../../src/sandbox/seed/vocab/names.js";

const NOW = new Date("2026-11-23T12:00:00Z");
const DAY = 86_400_000;
const BASE: SeedOptions = { seed: 42, now: NOW };
const seed = generateSeed(BASE);

const EMAIL = /^[^\s@]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const norm = (email: string): string => email.trim().toLowerCase();
const domainOf = (email: string): string => norm(email).split("@")[1] ?? "";
const hostOf = (website: string): string =>
  website
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/\/$/, "");

function activitiesByContact(data: SeedData): Map<string, SeedData["activities"]> {
  const byContact = new Map<string, SeedData["activities"]>();
  for (const activity of data.activities) {
    const list = byContact.get(activity.contactKey) ?? [];
    list.push(activity);
    byContact.set(activity.contactKey, list);
  }
  return byContact;
}

describe("generateSeed determinism and counts", () => {
  it("gives deep-equal output for the same options and different data for another seed", () => {
    expect(generateSeed({ seed: 42, now: new Date(NOW) })).toEqual(seed);
    const other = generateSeed({ ...BASE, seed: 43 });
    expect(other.contacts.map((c) => c.email)).not.toEqual(seed.contacts.map((c) => c.email));
    expect(other.companies.map((c) => c.name)).not.toEqual(seed.companies.map((c) => c.name));
  });

  it("honours the defaults and explicit counts", () => {
    expect(seed.contacts).toHaveLength(200);
    expect(seed.companies).toHaveLength(40);
    expect(seed.reps).toHaveLength(6);
    const small = generateSeed({
      seed: 7,
      now: NOW,
      contacts: 60,
      companies: 9,
      reps: 3,
      activitiesPerContact: 2,
    });
    expect(small.contacts).toHaveLength(60);
    expect(small.companies).toHaveLength(9);
    expect(small.reps).toHaveLength(3);
    const perContact = small.activities.length / small.contacts.length;
    expect(perContact).toBeLessThan(seed.activities.length / seed.contacts.length);
  });

  it("rejects invalid options", () => {
    expect(() => generateSeed({ ...BASE, contacts: -1 })).toThrow(RangeError);
    expect(() => generateSeed({ ...BASE, now: new Date("nope") })).toThrow(RangeError);
  });
});

describe("reps and companies", () => {
  it("has reps in queues with exactly one fallback", () => {
    expect(seed.reps.filter((rep) => rep.fallback)).toHaveLength(1);
    expect(seed.fallbackRepKey).toBe(seed.reps.find((rep) => rep.fallback)?.key);
    expect(seed.queues.flatMap((queue) => queue.repKeys).sort()).toEqual(
      seed.reps.map((rep) => rep.key).sort(),
    );
    expect(new Set(seed.reps.map((rep) => rep.email)).size).toBe(seed.reps.length);
    for (const rep of seed.reps) expect(rep.email).toMatch(EMAIL);
  });

  it("has unique domains, real industry values and a spread of sizes and countries", () => {
    expect(new Set(seed.companies.map((c) => c.domain)).size).toBe(seed.companies.length);
    for (const company of seed.companies) {
      expect(HUBSPOT_INDUSTRIES).toContain(company.industry);
      expect(company.employees).toBeGreaterThanOrEqual(1);
      expect(company.employees).toBeLessThanOrEqual(50_000);
    }
    const sizes = seed.companies.map((c) => c.employees);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(50_000);
    expect(new Set(seed.companies.map((c) => c.country)).size).toBeGreaterThanOrEqual(5);
    expect(seed.companies.some((c) => c.country === "United States" && c.state !== undefined)).toBe(true);
    expect(seed.companies.filter((c) => c.isCustomer).length).toBeGreaterThanOrEqual(2);
  });
});

describe("marketing contacts", () => {
  const contacts = seed.contacts;

  it("have plausible emails, unique case-insensitively, and valid enumerations", () => {
    for (const contact of contacts) {
      expect(contact.email).toMatch(EMAIL);
      expect(LIFECYCLE_STAGES).toContain(contact.lifecycleStage);
      expect(HUBSPOT_SOURCES).toContain(contact.source);
    }
    expect(new Set(contacts.map((c) => norm(c.email))).size).toBe(contacts.length);
  });

  it("are messy: accents, wrong case, padding, mixed-case emails", () => {
    const names = contacts.flatMap((c) => [c.firstName, c.lastName]);
    // eslint-disable-next-line no-control-regex -- an ASCII range check
    expect(names.some((name) => /[^\x00-\x7F]/.test(name))).toBe(true);
    expect(contacts.some((c) => /^[A-Z]{2,}$/.test(c.firstName))).toBe(true);
    expect(contacts.some((c) => /^[a-z]/.test(c.lastName))).toBe(true);
    expect(names.some((name) => name.length > 0 && name !== name.trim())).toBe(true);
    expect(contacts.some((c) => /[A-Z]/.test(c.email))).toBe(true);
  });

  it("include free-mail, competitor and student addresses", () => {
    expect(contacts.some((c) => (FREE_MAIL_DOMAINS as readonly string[]).includes(domainOf(c.email)))).toBe(
      true,
    );
    expect(contacts.some((c) => COMPETITOR_DOMAINS.includes(domainOf(c.email)))).toBe(true);
    expect(contacts.some((c) => domainOf(c.email).endsWith(".edu") && c.jobTitle === "Student")).toBe(true);
  });

  it("have blanks and over-long values", () => {
    expect(contacts.some((c) => c.phone === undefined)).toBe(true);
    expect(contacts.some((c) => c.jobTitle === undefined)).toBe(true);
    expect(contacts.some((c) => c.country === undefined)).toBe(true);
    expect(contacts.some((c) => c.lastName === "")).toBe(true);
    expect(contacts.some((c) => (c.jobTitle?.length ?? 0) >= 200)).toBe(true);
    expect(contacts.some((c) => (c.companyName?.length ?? 0) >= 200)).toBe(true);
  });

  it("write phones and countries inconsistently", () => {
    const phones = contacts.flatMap((c) => (c.phone ? [c.phone] : []));
    expect(phones.some((p) => p.startsWith("+"))).toBe(true);
    expect(phones.some((p) => p.startsWith("0"))).toBe(true);
    expect(phones.some((p) => p.includes("("))).toBe(true);
    const countries = new Set(contacts.flatMap((c) => (c.country ? [c.country] : [])));
    expect(countries.has("United States")).toBe(true);
    expect(["USA", "us", "U.S.", "United States of America"].some((s) => countries.has(s))).toBe(true);
  });

  it("keep emails unique at scale and across name-grid cycles", () => {
    // Company 4 of 4 has 50,000 staff, so its 3,000 contacts wrap around the accented name grid.
    for (const options of [
      { seed: 1, now: NOW, contacts: 20_000, activitiesPerContact: 0 },
      { seed: 2, now: NOW, contacts: 12_000, companies: 4, activitiesPerContact: 0 },
    ]) {
      const emails = new Set<string>();
      let count = 0;
      let wrapped = 0;
      for (const { contact } of generateContacts(options)) {
        emails.add(norm(contact.email));
        if (contact.companyKey && /\d@/.test(contact.email)) wrapped++;
        count++;
      }
      expect(emails.size).toBe(count);
      if (options.companies === 4) expect(wrapped).toBeGreaterThan(0);
    }
  });

  it("use name lists that stay distinct once folded to ASCII", () => {
    const firsts = [...PLAIN_FIRST_NAMES, ...ACCENTED_FIRST_NAMES].map(asciiName);
    expect(new Set(firsts).size).toBe(firsts.length);
    expect(new Set(LAST_NAMES.map(asciiName)).size).toBe(LAST_NAMES.length);
    expect(asciiName("Łukasz")).toBe("lukasz");
    expect(asciiName("O'Brien")).toBe("obrien");
  });
});

describe("activities", () => {
  const byContact = activitiesByContact(seed);
  const start = NOW.getTime() - 2 * 365.25 * DAY;

  it("lie within the history window, sorted per contact, for known contacts", () => {
    const keys = new Set(seed.contacts.map((c) => c.key));
    for (const activity of seed.activities) {
      expect(keys.has(activity.contactKey)).toBe(true);
      expect(ACTIVITY_KINDS).toContain(activity.kind);
      expect(activity.occurredAt.getTime()).toBeGreaterThanOrEqual(start);
      expect(activity.occurredAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    for (const list of byContact.values()) {
      const times = list.map((a) => a.occurredAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect(seed.activities.some((a) => a.occurredAt.getTime() < NOW.getTime() - 365 * DAY)).toBe(true);
  });

  it("include a hot contact with a recent pricing view and demo request, while most are not hot", () => {
    const weekAgo = NOW.getTime() - 7 * DAY;
    const hot = [...byContact.values()].filter((list) => {
      const recent = list.filter((a) => a.occurredAt.getTime() >= weekAgo);
      return (
        recent.some((a) => a.kind === "page_view" && a.properties.hs_url_path === "/pricing") &&
        recent.some(
          (a) =>
            a.kind === "form_submission" &&
            a.properties.hs_form_id === "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05" &&
            a.properties.hs_title === "Book a demo",
        )
      );
    });
    expect(hot.length).toBeGreaterThanOrEqual(1);
    expect(hot.length).toBeLessThan(seed.contacts.length * 0.15);
    const paths = new Set(seed.activities.flatMap((a) => (a.properties.hs_url_path ? [a.properties.hs_url_path] : [])));
    for (const path of ["/pricing", "/demo", "/product", "/careers"]) expect(paths.has(path)).toBe(true);
    expect([...paths].some((path) => path.startsWith("/blog/"))).toBe(true);
  });
});

describe("CRM records", () => {
  const marketing = new Map(seed.contacts.map((c) => [norm(c.email), c]));

  it("has leads matching marketing contacts only up to case or whitespace, and duplicate leads", () => {
    const drifted = seed.crm.leads.filter((lead) => {
      const match = marketing.get(norm(lead.email));
      return match !== undefined && match.email !== lead.email;
    });
    expect(drifted.length).toBeGreaterThanOrEqual(1);
    const seen = new Map<string, string>();
    const duplicates = seed.crm.leads.filter((lead) => {
      const previous = seen.get(norm(lead.email));
      seen.set(norm(lead.email), lead.email);
      return previous !== undefined && previous !== lead.email;
    });
    expect(duplicates.length).toBeGreaterThanOrEqual(1);
  });

  it("has a Lead and a Contact sharing one email", () => {
    const contactEmails = new Set(seed.crm.contacts.map((c) => norm(c.email)));
    expect(seed.crm.leads.some((lead) => contactEmails.has(norm(lead.email)))).toBe(true);
  });

  it("has accounts matching companies by domain, and customers with won opportunities", () => {
    const byDomain = new Map(seed.companies.map((c) => [c.domain, c]));
    const matched = seed.crm.accounts.filter((a) => a.website && byDomain.has(hostOf(a.website)));
    expect(matched.length).toBeGreaterThanOrEqual(2);
    const customers = seed.companies.filter((c) => c.isCustomer);
    for (const customer of customers) {
      const account = seed.crm.accounts.find((a) => a.key === customer.key.replace("company-", "account-"));
      expect(account?.type).toMatch(/^Customer/);
      const won = seed.crm.opportunities.filter(
        (o) => o.accountKey === account?.key && o.stageName === "Closed Won",
      );
      expect(won.length).toBeGreaterThanOrEqual(1);
      for (const opp of won) expect(opp.closeDate.getTime()).toBeLessThan(NOW.getTime());
    }
  });

  it("references only existing accounts and reps", () => {
    const accounts = new Set(seed.crm.accounts.map((a) => a.key));
    const reps = new Set(seed.reps.map((r) => r.key));
    for (const contact of seed.crm.contacts) {
      expect(accounts.has(contact.accountKey)).toBe(true);
      expect(reps.has(contact.ownerRepKey)).toBe(true);
    }
    for (const opp of seed.crm.opportunities) expect(accounts.has(opp.accountKey)).toBe(true);
    for (const lead of seed.crm.leads) {
      expect(reps.has(lead.ownerRepKey)).toBe(true);
      expect(lead.lastName.length).toBeGreaterThan(0);
      expect(lead.company.length).toBeGreaterThan(0);
    }
  });

  it("has reps' own leads with no marketing contact", () => {
    const own = seed.crm.leads.filter((lead) => !marketing.has(norm(lead.email)));
    expect(own.length).toBeGreaterThanOrEqual(seed.reps.length);
    for (const rep of seed.reps) expect(own.some((lead) => lead.ownerRepKey === rep.key)).toBe(true);
  });
});

describe("generateContacts", () => {
  it("yields exactly the contacts and activities of generateSeed", () => {
    const streamed = [...generateContacts(BASE)];
    expect(streamed).toHaveLength(200);
    expect(streamed.map((s) => s.contact)).toEqual(seed.contacts);
    expect(streamed.flatMap((s) => s.activities)).toEqual(seed.activities);
  });

  it("is lazy: a run of more contacts than memory holds yields its first contacts at once", () => {
    // No wall-clock bound: a generator that built its contacts (or anything per contact) before the
    // first yield could not hold 2^53 of them, and would throw or never return.
    const iterator = generateContacts({ ...BASE, contacts: Number.MAX_SAFE_INTEGER });
    const first = [iterator.next(), iterator.next(), iterator.next()];
    iterator.return(undefined);
    expect(first.every((r) => r.done === false)).toBe(true);
    expect(first.map((r) => (r.done ? undefined : r.value.contact.email))).toEqual(
      [...generateContacts(BASE)].slice(0, 3).map((s) => s.contact.email),
    );
  });
});
