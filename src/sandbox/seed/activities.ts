// One contact's behaviour history. Cold contacts have few, mostly old, low-intent touches (score decay);
// warm ones read product pages lately; hot ones visited pricing and requested a demo in the last 7 days.
import { DAY_MS, type SeedContext } from "./context.js";
import type { Random, Weighted } from "./random.js";
import type { ActivityKind, SeedActivity } from "./types.js";
import {
  CAREERS_PAGES,
  CTAS,
  DEMO_FORM,
  DEMO_PAGE,
  EMAIL_CAMPAIGNS,
  FORMS,
  type Intent,
  PAGES,
  type Page,
  PRICING_PAGE,
  siteUrl,
} from "./vocab/web.js";

export type Temperature = "cold" | "warm" | "hot";
/** Who is behind the contact: a prospect, a student job-hunting, or a competitor checking prices. */
export type Persona = "buyer" | "student" | "competitor";

const VOLUME: Readonly<Record<Temperature, number>> = { cold: 0.55, warm: 1.9, hot: 3.1 };

const KIND_WEIGHTS: Readonly<Record<Temperature, Weighted<ActivityKind>>> = {
  cold: [
    ["email_open", 5],
    ["page_view", 3],
    ["email_click", 1],
    ["form_submission", 0.5],
    ["cta_click", 0.2],
  ],
  warm: [
    ["page_view", 5],
    ["email_open", 3],
    ["email_click", 2],
    ["form_submission", 1],
    ["cta_click", 1],
  ],
  hot: [
    ["page_view", 6],
    ["email_open", 2],
    ["email_click", 2],
    ["form_submission", 1],
    ["cta_click", 1],
  ],
};

const INTENT_WEIGHTS: Readonly<Record<Temperature, Weighted<Intent>>> = {
  cold: [
    ["low", 8],
    ["mid", 2],
  ],
  warm: [
    ["low", 4],
    ["mid", 4],
    ["high", 1],
  ],
  hot: [
    ["low", 2],
    ["mid", 4],
    ["high", 4],
  ],
};

// Grouped once rather than filtered per activity: million-contact runs draw tens of millions.
function byIntent<T extends { intent: Intent }>(items: readonly T[]): Readonly<Record<Intent, readonly T[]>> {
  const group = (intent: Intent): readonly T[] => {
    const matching = items.filter((item) => item.intent === intent);
    return matching.length > 0 ? matching : items;
  };
  return { low: group("low"), mid: group("mid"), high: group("high") };
}
const PAGES_BY_INTENT = byIntent(PAGES.filter((page) => page !== DEMO_PAGE));
const FORMS_BY_INTENT = byIntent(FORMS);
const CTAS_BY_INTENT = byIntent(CTAS);
const CAMPAIGNS_BY_INTENT = byIntent(EMAIL_CAMPAIGNS);

interface Draw {
  rng: Random;
  contactKey: string;
  temperature: Temperature;
  persona: Persona;
}

function pageFor(draw: Draw, intent: Intent): Page {
  if (draw.persona === "student" && draw.rng.chance(0.7)) return draw.rng.pick(CAREERS_PAGES);
  if (draw.persona === "competitor" && draw.rng.chance(0.6)) return PRICING_PAGE;
  return draw.rng.pick(PAGES_BY_INTENT[intent]);
}

/** YYYY-MM in UTC; toISOString was the hottest call of big runs. */
function monthOf(at: Date): string {
  const month = at.getUTCMonth() + 1;
  return `${at.getUTCFullYear()}-${month < 10 ? "0" : ""}${month}`;
}

function activity(
  draw: Draw,
  kind: ActivityKind,
  at: Date,
  properties: Record<string, string>,
): SeedActivity {
  return { contactKey: draw.contactKey, kind, occurredAt: at, properties };
}

// Event properties are named as HubSpot's events carry them (GET /events/v3/events; e_visited_page:
// hs_url, hs_title, hs_url_path, hs_utm_*; e_submitted_form: hs_form_id, hs_form_type and the url and
// title of the page the form sits on; clicks: hs_link_href, hs_element_text).
function pageView(draw: Draw, page: Page, at: Date): SeedActivity {
  const paid = draw.rng.chance(0.15);
  const properties: Record<string, string> = {
    hs_url: siteUrl(page.path) + (paid ? "?utm_source=linkedin&utm_medium=paid_social" : ""),
    hs_url_path: page.path,
    hs_title: page.title,
  };
  if (paid) Object.assign(properties, { hs_utm_source: "linkedin", hs_utm_medium: "paid_social" });
  return activity(draw, "page_view", at, properties);
}

function formSubmission(draw: Draw, form: (typeof FORMS)[number], at: Date): SeedActivity {
  return activity(draw, "form_submission", at, {
    hs_form_id: form.id,
    hs_form_type: "HUBSPOT",
    hs_url: siteUrl(form.pagePath),
    hs_title: form.pageTitle,
  });
}

function randomActivity(draw: Draw, at: Date): SeedActivity {
  const { rng } = draw;
  const kind = rng.weighted(KIND_WEIGHTS[draw.temperature]);
  const intent = rng.weighted(INTENT_WEIGHTS[draw.temperature]);
  switch (kind) {
    case "page_view":
      return pageView(draw, pageFor(draw, intent), at);
    case "form_submission":
      return formSubmission(draw, rng.pick(FORMS_BY_INTENT[intent]), at);
    case "cta_click": {
      const cta = rng.pick(CTAS_BY_INTENT[intent]);
      return activity(draw, kind, at, { hs_element_text: cta.name, hs_url: siteUrl(cta.pagePath) });
    }
    case "email_open":
    case "email_click": {
      const campaign = rng.pick(CAMPAIGNS_BY_INTENT[intent]);
      const name = campaign.name.replace("{month}", monthOf(at));
      const properties: Record<string, string> = {
        hs_email_campaign_id: String(campaign.id),
        hs_email_campaign_name: name,
        hs_email_subject: campaign.subject,
      };
      if (kind === "email_click") properties.hs_link_href = siteUrl(campaign.clickPath);
      return activity(draw, kind, at, properties);
    }
  }
}

/** When a background touch happened: cold ones mostly months ago, warm and hot ones often lately. */
function touchTime(ctx: SeedContext, rng: Random, temperature: Temperature, createdMs: number): Date {
  const { nowMs } = ctx;
  if (temperature === "cold") {
    const oldEnd = nowMs - 120 * DAY_MS;
    return rng.chance(0.85) && oldEnd > createdMs ? rng.time(createdMs, oldEnd) : rng.time(createdMs, nowMs);
  }
  const recent = temperature === "hot" ? 0.5 : 0.45;
  if (rng.chance(recent)) return rng.time(Math.max(createdMs, nowMs - 60 * DAY_MS), nowMs);
  return rng.time(createdMs, nowMs);
}

/** The hot signal: pricing visits in the last two weeks (one in the last 7 days) and a demo request. */
function hotBurst(ctx: SeedContext, draw: Draw, createdMs: number): SeedActivity[] {
  const { rng } = draw;
  const weekAgo = Math.max(createdMs, ctx.nowMs - 7 * DAY_MS);
  const fortnightAgo = Math.max(createdMs, ctx.nowMs - 14 * DAY_MS);
  const burst = [pageView(draw, PRICING_PAGE, rng.time(weekAgo, ctx.nowMs))];
  for (let i = rng.int(1, 3); i > 0; i--)
    burst.push(pageView(draw, PRICING_PAGE, rng.time(fortnightAgo, ctx.nowMs)));
  const demoAt = rng.time(weekAgo, ctx.nowMs).getTime();
  const submittedAt = new Date(Math.min(ctx.nowMs, demoAt + rng.int(30_000, 600_000)));
  burst.push(pageView(draw, DEMO_PAGE, new Date(demoAt)), formSubmission(draw, DEMO_FORM, submittedAt));
  if (rng.chance(0.5)) {
    burst.push(
      activity(draw, "cta_click", rng.time(fortnightAgo, ctx.nowMs), {
        hs_element_text: "Talk to sales",
        hs_url: siteUrl("/pricing"),
      }),
    );
  }
  return burst;
}

export function buildActivities(
  ctx: SeedContext,
  rng: Random,
  contactKey: string,
  temperature: Temperature,
  persona: Persona,
  createdAt: Date,
): SeedActivity[] {
  const draw: Draw = { rng, contactKey, temperature, persona };
  const createdMs = Math.max(ctx.startMs, createdAt.getTime());
  const mean = ctx.options.activitiesPerContact * VOLUME[temperature];
  const count = Math.round(mean * (0.4 + 1.2 * rng.float()));
  const activities = temperature === "hot" ? hotBurst(ctx, draw, createdMs) : [];
  for (let i = 0; i < count; i++)
    activities.push(randomActivity(draw, touchTime(ctx, rng, temperature, createdMs)));
  return activities.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
