// Qualification, the first phase of a run: every marketing contact changed since its cursor is scored
// against the shared definition with its recent behaviour. A new MQL becomes a funnel event and the
// contact's lifecycle stage; scores, reasons and the near-qualified flag are written to the contact.

import { lifecycleFor } from "../../core/funnel/lifecycle-values.js";
import { canMove, type Stage } from "../../core/funnel/stages.js";
import { type FieldValues, isBlank, type SourceRecord } from "../../core/records.js";
import type { ScoredActivity } from "../../core/scoring/definition.js";
import { type PersonScore, scorePerson } from "../../core/scoring/score.js";
import type { FunnelEvent, PersonScoreRow } from "../../store/port.js";
import { readChangeGroups } from "../change-groups.js";
import type { RunContext } from "../run-context.js";
import { bump } from "../run-summary.js";
import type { RecordWrite } from "../system-port.js";
import { COMPANY_FIELDS, type FunnelRunState, type FunnelSetup, PERSON_FIELDS } from "./funnel-setup.js";

const CONTACTS = "contacts";
const COMPANIES = "companies";
const CURSOR_OBJECT = "contacts#qualification";
const DAY_MS = 86_400_000;
const PENDING_WRITES_LIMIT = 20_000;
/** Stages from which qualifying again makes a person an MQL (a recycled lead can come back). */
const REQUALIFIABLE: ReadonlySet<string> = new Set(["lead", "recycled", "unreachable"]);

export async function qualifyPeople(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
): Promise<void> {
  await readChangeGroups(
    ctx,
    {
      system: ctx.marketing,
      object: CONTACTS,
      fields: PERSON_FIELDS,
      cursorObject: CURSOR_OBJECT,
      startWhenNew: null,
    },
    async (group) => {
      await qualifyPage(ctx, setup, state, group.records);
      if (!ctx.dryRun)
        await ctx.store.commitBatch({
          runId: ctx.runId,
          at: ctx.now().toISOString(),
          cursors: [group.cursor],
        });
    },
  );
}

/** Scores these contacts; records new MQLs and writes the contacts' funnel properties. */
export async function qualifyPage(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
  /**
   * Whom the run keeps in memory for its later phases: MQLs only (a first load of a million contacts
   * must not hold them all), or everyone scored here (people a later phase asked for by id).
   */
  keep: "qualified" | "all" = "qualified",
): Promise<void> {
  if (records.length === 0) return;
  const now = ctx.now();
  const ids = [...new Set(records.map((r) => r.id))];
  const since = new Date(now.getTime() - setup.activityWindowDays * DAY_MS).toISOString();
  const activitiesOf = new Map<string, ScoredActivity[]>(ids.map((id) => [id, []]));
  for (const a of await setup.activities.readActivities(ids, since)) activitiesOf.get(a.contactId)?.push(a);
  const scored = new Set<string>();

  const companyIds = [
    ...new Set(records.map((r) => r.fields.associatedcompanyid).filter((v): v is string => !isBlank(v))),
  ];
  const companies = new Map(
    companyIds.length > 0
      ? (await ctx.marketing.readByIds(COMPANIES, companyIds, COMPANY_FIELDS)).map(
          (c) => [c.id, c.fields] as const,
        )
      : [],
  );
  const stages = await ctx.store.currentStages(ids);
  const events: FunnelEvent[] = [];
  const writes: RecordWrite[] = [];
  const rows: PersonScoreRow[] = [];

  for (const record of records) {
    if (scored.has(record.id)) continue; // a duplicate at a page boundary
    scored.add(record.id);
    const company = record.fields.associatedcompanyid
      ? companies.get(record.fields.associatedcompanyid)
      : undefined;
    const isCustomer = record.fields.lifecyclestage === "customer" || company?.lifecyclestage === "customer";
    const score = scorePerson(
      { person: record.fields, company, activities: activitiesOf.get(record.id) ?? [], isCustomer, now },
      setup.qualification,
    );
    if (keep === "all" || score.qualified) {
      state.scores.set(record.id, score);
      state.people.set(record.id, record.fields);
      state.activities.set(record.id, activitiesOf.get(record.id) ?? []);
    }
    if (score.nearQualified) ctx.summary.nearQualified++;
    rows.push(scoreRow(record.id, record.fields, score, null, now.toISOString()));

    const current = (stages.get(record.id) ?? "lead") as Stage;
    const fields: FieldValues = scoreFields(record.fields, score);
    if (score.qualified && REQUALIFIABLE.has(current) && canMove(current, "mql")) {
      events.push({
        personId: record.id,
        email: record.fields.email ?? null,
        fromStage: current,
        toStage: "mql",
        at: now.toISOString(),
        cause: `qualified: ${score.total} points (${score.reasons
          .slice(0, 3)
          .map((r) => r.ruleId)
          .join(", ")})`,
        runId: ctx.runId,
        source: record.fields.hs_analytics_source ?? null,
        campaign: null,
        ownerId: null,
        amount: null,
      });
      fields.leadloop_status = "mql";
      fields.lifecyclestage = lifecycleFor("mql");
      ctx.log.info("person.qualified", { personId: record.id, score: score.total });
    }
    if (Object.keys(fields).length > 0) writes.push({ ref: record.id, id: record.id, fields });
  }

  if (ctx.dryRun) return;
  await ctx.store.savePersonScores(rows);
  // Written after the contacts are synced (writeScores): a write now would move the contact past the
  // run's signpost, and the contact sync would not see it until the next run.
  for (const w of writes) state.pendingWrites.set(w.ref, { ...state.pendingWrites.get(w.ref), ...w.fields });
  // Memory stays bounded on a huge first load: past this many, write now (those contacts then reach the
  // contact sync in the next run instead of this one).
  if (state.pendingWrites.size >= PENDING_WRITES_LIMIT) await writeScores(ctx, state);
  if (events.length > 0)
    await ctx.store.commitBatch({ runId: ctx.runId, at: now.toISOString(), funnelEvents: events });
}

/** Writes the scores, statuses and flags qualification decided, in batches. */
export async function writeScores(ctx: RunContext, state: FunnelRunState): Promise<void> {
  if (state.pendingWrites.size === 0) return;
  const writes: RecordWrite[] = [...state.pendingWrites].map(([id, fields]) => ({ ref: id, id, fields }));
  state.pendingWrites.clear();
  for (const o of await ctx.marketing.write(CONTACTS, writes)) {
    if (o.ok) bump(ctx.summary.updated, ctx.marketing.system);
    else
      ctx.log.warn("person.score_not_written", {
        personId: o.ref,
        code: o.error.code,
        message: o.error.message,
      });
  }
}

/** The score properties that differ from what the contact holds (so a rescore with no change writes nothing). */
function scoreFields(current: FieldValues, score: PersonScore): FieldValues {
  const wanted: FieldValues = {
    leadloop_score: String(score.total),
    leadloop_fit_score: String(score.fit),
    leadloop_behavior_score: String(score.behaviour),
    leadloop_near_qualified: score.nearQualified ? score.nearQualified.missing : null,
    leadloop_upsell: score.upsell ? "true" : null,
  };
  const out: FieldValues = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (!sameNumberOrText(current[k] ?? null, v)) out[k] = v;
  }
  return out;
}

function sameNumberOrText(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return Number(a) === Number(b) && !Number.isNaN(Number(a));
}

/** The row the store keeps for the hot list and near-qualified list. */
export function scoreRow(
  personId: string,
  person: FieldValues,
  score: PersonScore,
  ownerEmail: string | null,
  at: string,
): PersonScoreRow {
  const name = [person.firstname, person.lastname].filter((v) => !isBlank(v)).join(" ");
  return {
    personId,
    email: person.email ?? null,
    name: name || null,
    score: score.total,
    fit: score.fit,
    behaviour: score.behaviour,
    nearMissing: score.nearQualified?.missing ?? null,
    ownerEmail,
    scoredAt: at,
  };
}
