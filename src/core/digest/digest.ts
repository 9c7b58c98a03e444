// A rep's digest: their active leads (handed off, no verdict yet), highest score first, each with what
// the person did since the rep's last digest. Pure: the store's rows and the behaviour read come in as
// plain data, time is passed in.
import type { ScoredActivity } from "../scoring/definition.js";
import { activitySummary } from "../scoring/summary.js";

export const DIGEST_PERIODS = ["day", "week"] as const;
export type DigestPeriod = (typeof DIGEST_PERIODS)[number];

/** Entries per kind of behaviour shown for one lead (visits, forms, offers, ...). */
const ENTRIES_PER_KIND = 5;

export interface DigestLeadInput {
  personId: string;
  email: string | null;
  name: string | null;
  score: number;
  /** The rep as routing names them (email), and their CRM owner id. */
  ownerEmail: string;
  ownerId: string | null;
  handedOffAt: string;
  /** The person's CRM record (Lead, Contact, or the HubSpot contact). */
  crmType: string;
  crmId: string;
  /** Behaviour read for the person; only what happened in the digest's window is shown. */
  activities: readonly ScoredActivity[];
  /** Funnel moves of the person (stage and time); those in the window are shown. */
  moves: readonly { stage: string; at: string; cause: string }[];
}

export interface DigestLead {
  personId: string;
  email: string | null;
  name: string | null;
  score: number;
  handedOffAt: string;
  crmType: string;
  crmId: string;
  /** Activities in the window. */
  activityCount: number;
  /** One line per kind of behaviour in the window ("Last visits: 2026-12-01 Pricing (/pricing)"). */
  behaviour: string[];
  /** Funnel moves in the window, e.g. "mql 2026-12-01T09:00:00.000Z (score)". */
  moves: string[];
}

export interface RepDigest {
  ownerEmail: string;
  ownerId: string | null;
  /** The window: since the rep's last digest (or one period back), until now. */
  since: string;
  until: string;
  leads: DigestLead[];
}

/** The digest of each rep, reps by email; `sinceOf` gives each rep's window start. */
export function buildDigests(
  leads: readonly DigestLeadInput[],
  sinceOf: (ownerEmail: string) => string,
  now: Date,
): RepDigest[] {
  const until = now.toISOString();
  const byRep = new Map<string, DigestLeadInput[]>();
  for (const lead of leads) byRep.set(lead.ownerEmail, [...(byRep.get(lead.ownerEmail) ?? []), lead]);
  return [...byRep.keys()].sort().map((ownerEmail) => {
    const since = sinceOf(ownerEmail);
    const sinceMs = Date.parse(since);
    const inWindow = (at: string) => {
      const ms = Date.parse(at);
      return ms > sinceMs && ms <= now.getTime();
    };
    const mine = byRep.get(ownerEmail)!;
    const out: DigestLead[] = mine.map((lead) => {
      const recent = lead.activities.filter((a) => inWindow(a.occurredAt));
      return {
        personId: lead.personId,
        email: lead.email,
        name: lead.name,
        score: lead.score,
        handedOffAt: lead.handedOffAt,
        crmType: lead.crmType,
        crmId: lead.crmId,
        activityCount: recent.length,
        behaviour: recent.length === 0 ? [] : activitySummary(recent, now, ENTRIES_PER_KIND).split("\n"),
        moves: lead.moves.filter((m) => inWindow(m.at)).map((m) => `${m.stage} ${m.at.slice(0, 16).replace("T", " ")} (${m.cause})`),
      };
    });
    // Highest score first; the email breaks ties so the order never varies.
    out.sort((a, b) => b.score - a.score || (a.email ?? a.personId).localeCompare(b.email ?? b.personId));
    return { ownerEmail, ownerId: mine.find((l) => l.ownerId)?.ownerId ?? null, since, until, leads: out };
  });
}

/** Where one period's digest starts when the rep has had none: one day or one week back. */
export function periodStart(period: DigestPeriod, now: Date): string {
  const days = period === "day" ? 1 : 7;
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

/**
 * The period a digest belongs to, in its key: the UTC date ("2026-12-01") or the ISO week ("2026-W49"),
 * so a second digest in the same period replaces the first instead of adding one.
 */
export function periodKey(period: DigestPeriod, now: Date): string {
  if (period === "day") return now.toISOString().slice(0, 10);
  // ISO 8601 week: the week with the year's first Thursday is week 1; weeks start on Monday.
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
