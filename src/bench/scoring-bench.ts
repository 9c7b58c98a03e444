// Scoring benchmark: rescoring a 1,000,000-activity portal (100,000 people × 10 activities) with the
// shipped qualification definition. Prints { activities, people, seconds, activitiesPerSecond, peakRssMb }.
// The data is generated up front (deterministically) and not timed; only compile + scoring is.
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadQualification } from "../config/qualification-file.js";
import { compileDefinition } from "../core/scoring/compile.js";
import type { ActivityKind, ScoredActivity } from "../core/scoring/definition.js";
import { scorePerson } from "../core/scoring/score.js";

export interface ScoringBenchResult {
  activities: number;
  people: number;
  seconds: number;
  activitiesPerSecond: number;
  peakRssMb: number;
}

const ACTIVITIES_PER_PERSON = 10;
const DAY = 86_400_000;
const DEFINITION_FILE = fileURLToPath(new URL("../../config/qualification.yaml", import.meta.url));

/** Event property sets shared between activities, as a portal has few distinct pages and forms. */
const SHAPES: readonly { kind: ActivityKind; properties: Record<string, string> }[] = [
  { kind: "page_view", properties: { hs_url: "https://www.example.com/pricing", hs_title: "Pricing" } },
  {
    kind: "page_view",
    properties: { hs_url: "https://www.example.com/blog/lead-scoring-101", hs_title: "Blog" },
  },
  { kind: "page_view", properties: { hs_url: "https://www.example.com/", hs_title: "Home" } },
  {
    kind: "page_view",
    properties: { hs_url: "https://www.example.com/customers/nordwind", hs_title: "Case" },
  },
  {
    kind: "form_submission",
    properties: { hs_title: "Request a demo", hs_url: "https://www.example.com/demo" },
  },
  { kind: "form_submission", properties: { hs_title: "Download: B2B benchmark report 2026" } },
  { kind: "form_submission", properties: { hs_title: "Newsletter sign-up" } },
  { kind: "email_open", properties: { hs_email_subject: "Your November digest" } },
  {
    kind: "email_click",
    properties: { hs_email_subject: "Your November digest", hs_link_href: "https://x.example/a" },
  },
  { kind: "cta_click", properties: { hs_element_text: "Get the guide" } },
  { kind: "other", properties: {} },
];
const TITLES = [
  "VP Marketing",
  "Directrice Commerciale",
  "Marketing Manager",
  "Student",
  "Head of Growth",
  "",
];
const DOMAINS = ["acme-analytics.de", "gmail.com", "nordwind.example", "rivalcrm.com", "uni-example.edu"];
const COUNTRIES = ["Deutschland", "United States", "France", "Brasil", "united kingdom", ""];

/** A small deterministic generator, so every run scores the same portal. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Person {
  person: Record<string, string | null>;
  company: Record<string, string | null>;
  activities: ScoredActivity[];
}

function generate(people: number, now: Date): Person[] {
  const random = lcg(20261130);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out: Person[] = [];
  for (let p = 0; p < people; p++) {
    const activities: ScoredActivity[] = [];
    for (let a = 0; a < ACTIVITIES_PER_PERSON; a++) {
      const shape = pick(SHAPES);
      const at = new Date(now.getTime() - Math.floor(random() * 120 * DAY)).toISOString();
      activities.push({ id: `${p}-${a}`, kind: shape.kind, occurredAt: at, properties: shape.properties });
    }
    out.push({
      person: {
        email: `person${p}@${pick(DOMAINS)}`,
        firstname: "Zoë",
        lastname: p % 7 === 0 ? null : "Müller",
        company: "Acme Analytics GmbH",
        jobtitle: pick(TITLES),
        country: pick(COUNTRIES),
        hs_email_optout: p % 50 === 0 ? "true" : "false",
        hs_email_bounce: p % 80 === 0 ? "1" : "0",
      },
      company: { numberofemployees: String(Math.floor(random() * 8000)), industry: "COMPUTER_SOFTWARE" },
      activities,
    });
  }
  return out;
}

export function runScoringBench(activities: number): ScoringBenchResult {
  const people = Math.max(1, Math.ceil(activities / ACTIVITIES_PER_PERSON));
  const now = new Date("2026-11-30T00:00:00.000Z");
  const portal = generate(people, now);
  const started = process.hrtime.bigint();
  const compiled = compileDefinition(loadQualification(DEFINITION_FILE));
  let qualified = 0;
  for (const p of portal) {
    if (scorePerson({ ...p, now }, compiled).qualified) qualified++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Keep the result observable so the scoring loop cannot be optimised away.
  if (qualified < 0) throw new Error("unreachable");
  const scored = people * ACTIVITIES_PER_PERSON;
  return {
    activities: scored,
    people,
    seconds: Math.round(seconds * 1000) / 1000,
    activitiesPerSecond: Math.round(scored / seconds),
    // maxRSS is in kilobytes.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export function main(): void {
  console.log(JSON.stringify(runScoringBench(1_000_000)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
