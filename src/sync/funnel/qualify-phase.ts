// Qualification, the first phase of a run: every marketing contact changed since its cursor is scored
// against the shared definition with its recent behaviour. A new MQL becomes a funnel event and the
// contact's lifecycle stage; scores, reasons and the near-qualified flag are decided for the contact and
// kept in the outbox with the events and the cursor, in one transaction (the drain writes them).

import { LIFECYCLE_FIELD, lifecycleFor, lifecycleNeedsClear } from "../../core/funnel/lifecycle-values.js";
import {
  coolDownEndsAt,
  coolDownOver,
  hasBehaviourAfter,
  heldText,
  NURTURE_STAGES,
  returnedToNurtureAt,
} from "../../core/funnel/recycle.js";
import { customerSince } from "../../core/funnel/customer-since.js";
import { staleScoresWithdrawn } from "./stale-scores.js";
import { DISPOSITION_DATE_FIELD } from "../../core/funnel/dispositions.js";
import { canMove, type Stage, STAGES } from "../../core/funnel/stages.js";
import { type EarlierQualification, RESTORED_CAUSE, type RestoredMove, restoredMoves, restoredVerdictCause } from "../../core/funnel/restore.js";
import { type FieldValues, instantOf, isBlank, latestReads, type SourceRecord } from "../../core/records.js";
import type { ScoredActivity } from "../../core/scoring/definition.js";
import { type PersonScore, type ScoreInput, scorePerson } from "../../core/scoring/score.js";
import type { Thresholds } from "../../core/scoring/definition.js";
import { scoreMoved } from "../../core/scoring/visible-change.js";
import { personName } from "../../core/text/person-name.js";
import { scoreInputsKey, steadyUntil } from "../../core/scoring/steady-score.js";
import { hash64 } from "../../core/write-loop.js";
import type { FunnelEvent, OutboxWrite, PersonScoreRow, SlaClock, SteadyScore } from "../../store/port.js";
import { readAhead, readChangeGroups } from "../change-groups.js";
import type { KeepFor } from "../kept-reads.js";
import { readBehaviour, readBulkEventsIfDue } from "./behaviour-reader.js";
import { heldOrRead } from "./held-reads.js";
import { historyText, reasonsText, scoreRuleText } from "./person-history.js";
import { type Rescored, rescoreCrmRecords } from "./crm-rescore.js";
import { qualifiedCampaigns } from "./campaign-catalog.js";
import { backFromRecycleBin, clocksStoppedOf } from "./restored-contacts.js";
import { restoredRequalifications } from "./restored-requalifications.js";
import { type Decision, decide, joinDecisions } from "../outbox/decide.js";
import { funnelWrite } from "../outbox/funnel-write.js";
import type { RunContext } from "../run-context.js";
import {
  companyFields,
  type FunnelRunState,
  type FunnelSetup,
  personFields,
  QUALIFICATION_CURSOR,
} from "./funnel-setup.js";

const CONTACTS = "contacts";
const COMPANIES = "companies";
/** leadloop's own contact properties (ensured by systems/hubspot/leadloop-properties.ts). */
export const MQL_DATE_FIELD = "leadloop_mql_date";
const REASONS_FIELD = "leadloop_reasons";
const DAY_MS = 86_400_000;
/**
 * HubSpot's batch read takes 100 ids: the contacts created from CRM records are read this many at a time.
 * The change stream is scored in the shared groups (GROUP_RECORDS), since a group's associated companies
 * are read together: a group of one page (100 contacts, most on companies of their own) filled a batch
 * read with a dozen companies new to the run, 2,000 fill them, so a first load reads each company in
 * about one call per 100 (ARCHITECTURE.md, "One run").
 */
const CREATED_READ = 100;
/**
 * Contacts scored between checks for SIGTERM: scoring may read a contact's events (a call per contact with
 * new behaviour, paced to HubSpot's ten-second window), so a stop waits for a few seconds of reads.
 */
const QUALIFY_STEP = 20;
/** Companies a run keeps once read for its later groups (a few megabytes at most). */
const QUALIFY_COMPANIES_KEPT = 20_000;
/**
 * MQLs whose record, score and activities the qualification keeps for the run's later phases (the
 * history fill reuses them; the handoff reads its candidates again). Beyond it only their ids are kept,
 * so a first load's memory does not grow with its MQLs.
 */
export const QUALIFIED_KEPT = 1_000;
/**
 * Contacts the change stream read that a run holds for its later phases (FunnelRunState.read): a first
 * load of up to this many contacts scores its handoff and history-fill candidates without reading them
 * again; a larger one starts the held set again rather than growing it (a few tens of megabytes at most).
 */
export const PEOPLE_HELD = 10_000;
/**
 * How far ahead a score worked out now is checked to stand (core/scoring/steady-score.ts): a contact
 * re-read within it, none of its scoring inputs moved, is not scored again. An hour covers the look-back
 * re-reads of leadloop's own writes by the next runs of a cron or daemon; a score near a rule's rounding
 * or a `withinDays` edge fails the check and is scored on every read, as before.
 */
export const STEADY_HORIZON_MS = 3_600_000;
/** Stages from which qualifying again makes a person an MQL (a recycled lead can come back). */
const REQUALIFIABLE: ReadonlySet<string> = new Set(["lead", "recycled", "unreachable"]);

export async function qualifyPeople(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  /** The contact sync's stream, which takes this read's pages when it would read the same window. */
  keepFor?: KeepFor,
  /**
   * The company sync's stream: on its first load the companies are listed once, ahead of the contacts,
   * kept for it and held here for scoring, instead of read in batches here and listed again there.
   */
  companiesFor?: KeepFor,
  /**
   * Run once, before the first group is scored (not at all when no contact changed): the contact pair's
   * merges are followed here, so a merged record takes its people's funnel state before it is scored.
   */
  beforeScoring?: () => Promise<void>,
): Promise<boolean> {
  let started = false;
  if (companiesFor) {
    const fields = companyFields(setup);
    const ahead = { system: ctx.marketing, object: COMPANIES, fields, keepFor: companiesFor };
    await readAhead(ctx, ahead, (records) => holdCompanies(state.companies, records, fields));
    if (ctx.signal?.aborted) return true;
  }
  return readChangeGroups(
    ctx,
    {
      system: ctx.marketing,
      object: CONTACTS,
      fields: personFields(setup),
      cursorObject: QUALIFICATION_CURSOR,
      startWhenNew: null,
      ...(keepFor ? { keepFor } : {}),
    },
    async (group) => {
      if (!started && beforeScoring) await beforeScoring();
      started = true;
      // The group's stages are read before any step's decision is committed (with the group's, below), so
      // each person is scored once per group: the latest read of a contact the stream gave twice (a keyset
      // window's ties).
      const records = latestReads(group.records);
      holdReads(state, records);
      // Read for the group at once, not per step of 20: its companies (HubSpot's batch read takes 100
      // ids), a lost store's restored people's earlier MQLs (50 a call), its stages and stopped clocks.
      const read = await readForScoring(ctx, setup, state, records);
      // A contact whose score stands (its inputs as when last scored, within the horizon) decides nothing
      // new: no behaviour read, no scoring, no write; it is not an MQL, as it was not then.
      const now = ctx.now().getTime();
      const toScore: SourceRecord[] = [];
      let standing = 0;
      for (const r of records) {
        if (!scoreStands(setup, read, r, now)) toScore.push(r);
        else {
          state.qualified.delete(r.id);
          standing++;
        }
      }
      if (standing > 0) ctx.onProgress?.({ phase: "qualification", read: standing, written: 0 });
      // Every contact of the group to be scored counts towards a bulk read of their events, not one step's.
      await readBulkEventsIfDue(ctx, setup, state, toScore, activitySince(setup, ctx.now()));
      // The group's steps are decided in one commit, with its cursor: a commit per step of 20 cost the
      // store more than the scoring did. A stop between steps decides the steps scored so far without
      // the cursor; the next run reads the group again and decides it again under the same keys.
      const decided: Decision[] = [];
      for (let i = 0; i < toScore.length; i += QUALIFY_STEP) {
        const step = toScore.slice(i, i + QUALIFY_STEP);
        decided.push(await qualifyPage(ctx, setup, state, step, "qualified", undefined, read));
        // Contacts scored (their behaviour read): what the progress line counts for this phase.
        ctx.onProgress?.({ phase: "qualification", read: step.length, written: 0 });
        if (i + QUALIFY_STEP < toScore.length && ctx.signal?.aborted) {
          await decide(ctx, joinDecisions(decided));
          return;
        }
      }
      await decide(ctx, { ...joinDecisions(decided), cursors: [group.cursor] });
    },
  );
}

/** Holds listed companies' scoring fields for the run, up to QUALIFY_COMPANIES_KEPT (the first listed). */
function holdCompanies(held: Map<string, FieldValues>, records: readonly SourceRecord[], fields: readonly string[]): void {
  for (const r of records) {
    if (held.size >= QUALIFY_COMPANIES_KEPT) return;
    held.set(r.id, Object.fromEntries(fields.map((f) => [f, r.fields[f] ?? null])));
  }
}

function holdReads(state: FunnelRunState, records: readonly SourceRecord[]): void {
  if (state.read.size + records.length > PEOPLE_HELD) state.read.clear();
  for (const r of records.slice(-PEOPLE_HELD)) state.read.set(r.id, r);
}

/** Where the activities a score counts begin: the definition's window before now. */
function activitySince(setup: FunnelSetup, now: Date): string {
  return new Date(now.getTime() - setup.activityWindowDays * DAY_MS).toISOString();
}

/** Scores the contacts this run created from CRM records (after qualification had read its stream). */
export async function qualifyCreatedPeople(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
): Promise<void> {
  const ids = ctx.createdPeople.splice(0);
  for (let i = 0; i < ids.length; i += CREATED_READ) {
    const records = await ctx.marketing.readByIds(CONTACTS, ids.slice(i, i + CREATED_READ), personFields(setup));
    await decide(ctx, await qualifyPage(ctx, setup, state, records));
    if (ctx.signal?.aborted) return;
  }
}

/** Scores these contacts: new MQLs, score rows and the contacts' funnel properties, for the caller to decide. */
export async function qualifyPage(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
  /**
   * Whom the run keeps in memory for its later phases: MQLs only, up to QUALIFIED_KEPT (a first load of
   * a million contacts must not hold them all; the rest keep only their id in `state.qualified`), or
   * everyone scored here (people a later phase asked for by id).
   */
  keep: "qualified" | "all" = "qualified",
  /**
   * People this run found won (lineage-phase.ts followDeals): customers now, though their contact says
   * so only once the drain writes the deals phase's lifecycle stage.
   */
  wonNow: ReadonlySet<string> = new Set(),
  /** What the caller read for these records and more (a group's, once); read for these records otherwise. */
  groupRead?: ScoringRead,
  /**
   * People whose CRM record the caller marks with the score decided here, in the same commit (the history
   * fill): their scores stand only as their record will carry them (steadyRows).
   */
  marking: ReadonlySet<string> = new Set(),
): Promise<Decision> {
  if (records.length === 0) return {};
  const now = ctx.now();
  // The page's one instant as text, made once: every person's score row and MQL carry it.
  const nowText = now.toISOString();
  const since = activitySince(setup, now);
  const { activitiesOf, decided: behaviourKept } = await readBehaviour(ctx, setup, state, records, since);
  const scored = new Set<string>();

  const { companies, stages, earlier, gone, steady, context } = groupRead ?? (await readForScoring(ctx, setup, state, records));
  const events: FunnelEvent[] = [];
  const writes: OutboxWrite[] = [];
  const rows: PersonScoreRow[] = [];
  const rescored: Rescored[] = [];
  // People whose score may stand for their next re-reads: with what they were scored from, and the
  // contact as it will be once the score write (if any) is made.
  const steadyCandidates: SteadyCandidate[] = [];
  const goneIds = new Set(gone.map((c) => c.personId));

  for (const record of records) {
    if (scored.has(record.id)) continue; // a duplicate at a page boundary
    scored.add(record.id);
    const company = companyOf(record.fields, companies);
    const isCustomer =
      wonNow.has(record.id) || record.fields.lifecyclestage === "customer" || company?.lifecyclestage === "customer";
    const input: ScoreInput = {
      person: record.fields,
      company,
      activities: activitiesOf.get(record.id) ?? [],
      isCustomer,
      customerSince: customerSince(record.fields),
      now,
    };
    const score = scorePerson(input, setup.qualification);
    if (score.qualified) state.qualified.add(record.id);
    else state.qualified.delete(record.id);
    if (keep === "all" || (score.qualified && state.scores.size < QUALIFIED_KEPT)) {
      state.scores.set(record.id, score);
      state.people.set(record.id, record.fields);
      state.activities.set(record.id, activitiesOf.get(record.id) ?? []);
    }
    if (score.nearQualified) ctx.summary.nearQualified++;
    rows.push(scoreRow(record.id, record.fields, score, null, nowText));
    rescored.push({ record, score, activities: activitiesOf.get(record.id) ?? [] });

    const known = stages.get(record.id) as Stage | undefined;
    const fields: FieldValues = scoreFields(record.fields, score, setup.qualification.definition.thresholds);
    const rules: Record<string, string> = {};
    const restored = known === undefined ? restoredStage(record, now, earlier.get(record.id)) : null;
    const current = restored?.at(-1)?.toStage ?? known ?? "lead";
    // Whether the person becomes an MQL now: asked of the store only for those the score would move.
    const back =
      !restored && score.qualified && REQUALIFIABLE.has(current) && canMove(current, "mql")
        ? await backFromNurture(ctx, setup, record.id, current, activitiesOf.get(record.id) ?? [], now)
        : null;
    if (restored) {
      // The store lost this person (deleted or moved), but the contact still says how far leadloop took
      // them: qualifying them again would date their MQL today, rewrite the contact's and the CRM
      // record's MQL date and hand them off a second time. The stage comes back as the funnel's moves to
      // it at the dates the contact keeps (its MQL first, where it has an MQL date); the contact is
      // already right, so nothing is written for the stage.
      events.push(...restoredEvents(ctx, record, restored));
      ctx.log.debug("person.stage_restored", { personId: record.id, stage: current, at: restored.at(-1)!.at });
    } else if (back?.qualifies) {
      const heldUntil = back.heldUntil;
      // Its campaign is filled below for the page's MQLs at once (campaign-catalog.ts).
      events.push(
        contactEvent(ctx, record, {
          fromStage: current,
          toStage: "mql",
          at: nowText,
          cause: `qualified: ${score.total} points (${score.reasons
            .slice(0, 3)
            .map((r) => r.ruleId)
            .join(", ")})${heldUntil ? `; ${heldText(heldUntil)}` : ""}`,
        }),
      );
      if (heldUntil) {
        // Sales sent this person back and the cool-down still runs: the contact keeps the rep's verdict
        // (a "mql" status here told marketers and workflows of a fresh MQL that no rep was given). The
        // handoff at the cool-down's end writes the MQL stage, status and date, if she still qualifies then
        // (handoff-phase.ts `lapse`).
        ctx.log.debug("person.held_by_cool_down", { personId: record.id, score: score.total, until: heldUntil.toISOString() });
      } else {
        fields.leadloop_status = "mql";
        fields[LIFECYCLE_FIELD] = lifecycleFor("mql");
        // The marketer's own record of when and why: HubSpot keeps no MQL date of leadloop's making.
        fields[MQL_DATE_FIELD] = nowText;
        fields[REASONS_FIELD] = reasonsText(score);
        rules.leadloop_status = rules[LIFECYCLE_FIELD] = rules[MQL_DATE_FIELD] = `qualified: ${score.total} points`;
        ctx.log.debug("person.qualified", { personId: record.id, score: score.total });
      }
    }
    if (
      wonNow.size === 0 &&
      !restored &&
      !score.qualified &&
      !score.nearQualified &&
      !score.upsell &&
      !goneIds.has(record.id) &&
      Object.keys(fields).every((f) => SCORE_WRITE_FIELDS.has(f))
    )
      steadyCandidates.push({ record, input, score, written: fields });
    // The score's rule, worded once for all the fields that take it (not once per field).
    let scoreRule: string | undefined;
    if (Object.keys(fields).length > 0)
      writes.push(
        funnelWrite(ctx, {
          key: qualificationKey(record.id),
          phase: "qualification",
          side: "marketing",
          object: CONTACTS,
          recordId: record.id,
          fields,
          before: record.fields,
          rule: (field) => rules[field] ?? (scoreRule ??= `score: ${scoreRuleText(score)}`),
          personId: record.id,
          email: record.fields.email ?? null,
          // A contact a marketer parked at a later stage (or "other") takes MQL only after a clear.
          clearFirst:
            fields[LIFECYCLE_FIELD] && lifecycleNeedsClear(record.fields[LIFECYCLE_FIELD], fields[LIFECYCLE_FIELD])
              ? [LIFECYCLE_FIELD]
              : [],
        }),
      );
  }
  // The MQL's campaign: the contact's HubSpot campaign, else its CRM record's Campaign, else HubSpot's
  // original source drill-down 1 (the campaign, site or search term that brought them).
  const fieldsOf = new Map(records.map((r) => [r.id, r.fields] as const));
  const campaigns = await qualifiedCampaigns(ctx, setup, new Map(events.map((e) => [e.personId, fieldsOf.get(e.personId) ?? {}])));
  for (const e of events) Object.assign(e, campaigns.get(e.personId));
  // Written by the drain after the contacts are synced: a write now would move the contact past the
  // run's signpost, and the contact sync would not see it until the next run.
  // The CRM records that carry leadloop's score (handed off, or a rep's own record filled) follow it.
  const crm = await rescoreCrmRecords(ctx, setup, rescored);
  // A person found won whose customer score her contact holds already gets no score write here, so a
  // prospect's one decided earlier in the run is stale (stale-scores.ts); one named here replaces it.
  const unwritten = [...wonNow].filter(
    (id) => scored.has(id) && !writes.some((w) => w.recordId === id && w.fields.some((f) => SCORE_WRITE_FIELDS.has(f.field))),
  );
  const stale = await staleScoresWithdrawn(ctx, unwritten.map(qualificationKey), SCORE_WRITE_FIELDS);
  // A contact restored from the recycle bin: her follow-up comes back with her.
  const back = await backFromRecycleBin(ctx, setup, records, gone);
  const steadyScores = steadyRows(setup, context, steady, records, steadyCandidates, withMarking(crm, marking));
  return {
    outbox: [...stale.outbox, ...writes, ...(crm.outbox ?? []), ...(back.outbox ?? [])],
    ...(back.slaClocksBack ? { slaClocksBack: back.slaClocksBack } : {}),
    outboxWithdrawn: stale.outboxWithdrawn,
    personScores: rows,
    funnelEvents: events,
    ...(crm.crmScoreMarks ? { crmScoreMarks: crm.crmScoreMarks } : {}),
    ...(steadyScores.length > 0 ? { steadyScores } : {}),
    ...behaviourKept,
  };
}

/**
 * Whether a re-read contact's score stands as the store keeps it: its inputs' key (the contact's and its
 * company's values, the definition, window and CRM mode) is the one kept with the score, within the
 * kept steady hour, and no deletion stopped her clock. Nothing else the qualification reads for such a
 * person can have moved: her stage moves with a funnel event, and steady-scores.ts drops the row on one,
 * on a CRM score mark, a link away from the marked record and behaviour kept or merged for her; a stage the store lost is
 * restored from the contact's own values, which the key holds (a row is kept only where there was none
 * to restore).
 */
function scoreStands(setup: FunnelSetup, read: ScoringRead, record: SourceRecord, nowMs: number): boolean {
  const kept = read.steady.get(record.id);
  // Within the hour after its scoring: a clock set back before it could find more points than then.
  if (!kept || kept.untilMs === null || !(nowMs < kept.untilMs) || nowMs < kept.untilMs - STEADY_HORIZON_MS) return false;
  if (read.gone.some((c) => c.personId === record.id)) return false;
  return kept.inputs === inputsOf(setup, read.context, record.fields, companyOf(record.fields, read.companies));
}

function companyOf(person: FieldValues, companies: ReadonlyMap<string, FieldValues>): FieldValues | undefined {
  return person.associatedcompanyid ? companies.get(person.associatedcompanyid) : undefined;
}

/** `written`: the fields the person's contact takes, over `person`'s (scoreInputsKey). */
function inputsOf(setup: FunnelSetup, context: string, person: FieldValues, company: FieldValues | undefined, written?: FieldValues): string {
  const fields = keyFieldsOf(setup);
  return scoreInputsKey(person, fields.person, company, fields.company, context, written);
}

/** Each definition's field lists, made once: a key is taken of every re-read contact. */
const keyFields = new WeakMap<object, { person: readonly string[]; company: readonly string[] }>();

/**
 * The company's values a score is worked out from: its lifecycle stage (a customer's company makes her
 * one) and what the definition's conditions read `of: company`. Not the name or the owner, which the
 * qualification reads for its handoffs only: the company sync writes the CRM Account's name on the
 * company in the run that scored her, which would otherwise score her again in the next.
 */
function scoredCompanyFields(setup: FunnelSetup): string[] {
  return [...new Set(["lifecyclestage", ...setup.qualification.fields.company])];
}

function keyFieldsOf(setup: FunnelSetup): { person: readonly string[]; company: readonly string[] } {
  let fields = keyFields.get(setup.qualification);
  if (!fields) keyFields.set(setup.qualification, (fields = { person: personFields(setup), company: scoredCompanyFields(setup) }));
  return fields;
}

/**
 * A person scored with nothing to decide but her score fields: what she was scored from, and the fields
 * her contact takes (her contact once written is her record's fields with these over them).
 */
interface SteadyCandidate {
  record: SourceRecord;
  input: ScoreInput;
  score: PersonScore;
  written: FieldValues;
}

/**
 * The steady scores this page keeps: for each candidate whose CRM record, if it carries her score, asks
 * for no re-score, her inputs as the contact will show them and how long her score stands, and with it
 * the behaviour summary the record's mark was compared by; a row kept for anyone else scored here is
 * dropped. The re-score's other inputs, a new mark and a link away from the marked record, drop the row
 * when written later (steady-scores.ts); `crm` counts the marks the caller writes in the same commit.
 */
function steadyRows(
  setup: FunnelSetup,
  context: string,
  steady: ReadonlyMap<string, SteadyScore>,
  records: readonly SourceRecord[],
  candidates: readonly SteadyCandidate[],
  crm: { marked?: ReadonlySet<string>; unmoved?: ReadonlySet<string> },
): SteadyScore[] {
  const out = new Map<string, SteadyScore>();
  const windowMs = setup.activityWindowDays * DAY_MS;
  for (const { record, input, score, written } of candidates) {
    const marked = crm.marked?.has(record.id) ?? false;
    if (marked && !crm.unmoved?.has(record.id)) continue;
    const summary = marked ? historyText(input.activities, input.now) : null;
    const sameSummary = marked ? (kept: readonly ScoredActivity[], at: Date) => historyText(kept, at) === summary : undefined;
    const untilMs = steadyUntil(input, setup.qualification, score, windowMs, STEADY_HORIZON_MS, sameSummary);
    if (untilMs !== null) {
      const email = record.fields.email?.trim().toLowerCase() || null;
      out.set(record.id, { personId: record.id, email, inputs: inputsOf(setup, context, record.fields, input.company, written), untilMs });
    }
  }
  for (const r of records)
    if (steady.has(r.id) && !out.has(r.id)) out.set(r.id, { personId: r.id, email: null, inputs: "", untilMs: null });
  return [...out.values()];
}

/**
 * The CRM records' marks as they stand once the caller's marks are written: a person it marks who had no
 * mark gets one of the score decided now, so nothing moved on it (crm-rescore.ts would find it unmoved).
 */
function withMarking(
  crm: { marked?: ReadonlySet<string>; unmoved?: ReadonlySet<string> },
  marking: ReadonlySet<string>,
): { marked?: ReadonlySet<string>; unmoved?: ReadonlySet<string> } {
  const fresh = [...marking].filter((id) => !crm.marked?.has(id));
  if (fresh.length === 0) return crm;
  return { marked: new Set([...(crm.marked ?? []), ...fresh]), unmoved: new Set([...(crm.unmoved ?? []), ...fresh]) };
}

/** What an earlier cycle's restored verdict names in the place of the CRM status no record keeps. */
const VERDICT_FROM_HISTORIES = "the contact's leadloop_status and leadloop_disposition_date histories";

/** The funnel events of a restored contact's moves (restoredStage), their causes marked restored. */
export function restoredEvents(ctx: RunContext, record: SourceRecord, moves: readonly RestoredMove[]): FunnelEvent[] {
  // A won deal's amount is the deal's, which the contact does not carry: the deals phase gives it to the
  // restored win when it reads the won deal (lineage-phase.ts `wonAmount`).
  return moves.map((m) =>
    contactEvent(ctx, record, {
      fromStage: m.fromStage,
      toStage: m.toStage,
      at: m.at,
      // An earlier cycle's verdict, which its histories show, counts as the verdict it was (restore.ts).
      cause: m.verdict
        ? restoredVerdictCause(m.verdict, VERDICT_FROM_HISTORIES)
        : `${RESTORED_CAUSE} the contact's ${m.toStage === "mql" ? MQL_DATE_FIELD : "leadloop_status"} (the state store knew no stage for this person)`,
    }),
  );
}

/**
 * A move of a contact's person as the qualification records it: by her contact's email and original
 * source, with no campaign, owner or amount (each filled later, where it is known).
 */
function contactEvent(
  ctx: RunContext,
  record: SourceRecord,
  move: Pick<FunnelEvent, "fromStage" | "toStage" | "at" | "cause">,
): FunnelEvent {
  return {
    personId: record.id,
    email: record.fields.email ?? null,
    ...move,
    runId: ctx.runId,
    source: record.fields.hs_analytics_source ?? null,
    campaign: null,
    ownerId: null,
    amount: null,
  };
}

/**
 * The moves that restore a contact unknown to the store to the stage it carries in leadloop's own
 * `leadloop_status`, when beyond lead (core/funnel/restore.ts): its qualifications before the latest
 * (`earlier`, restored-requalifications.ts), then to MQL at its `leadloop_mql_date` where it has one, then
 * to a rep's verdict or a deal's stage at its `leadloop_disposition_date` (else the MQL date, else now).
 * Null for a contact leadloop never moved.
 */
export function restoredStage(record: SourceRecord, now: Date, earlier: readonly EarlierQualification[] = []): RestoredMove[] | null {
  const status = record.fields.leadloop_status?.trim().toLowerCase() ?? "";
  const stage = STAGES.find((s) => s === status);
  if (stage === undefined) return null;
  const dated = (field: string): string | null => instantOf(record.fields[field]);
  const mqlAt = dated(MQL_DATE_FIELD);
  if (stage === "lead") {
    // At lead with an MQL date: an admin's requalify sent her back after her MQLs, which the histories
    // give (restored-requalifications.ts); null where they do not.
    const moves = mqlAt === null ? [] : restoredMoves("lead", { mqlAt: null, stageAt: now.toISOString(), now: now.toISOString() }, earlier);
    return moves.length > 0 ? moves : null;
  }
  const stageAt = (stage === "mql" ? null : dated(DISPOSITION_DATE_FIELD)) ?? mqlAt ?? now.toISOString();
  // Recycled by an admin's requalify (lost or unreachable): her last cycle is one of the earlier ones, so
  // she comes back through its stages (a deal's loss) to the recycle, dated when it was written, and the
  // deals phase does not take the deal lost before it for a new one (lineage-phase.ts followedBeforeLossOf).
  const latestMql = requalifiedBack(record) && earlier.length > 0 ? null : mqlAt;
  return restoredMoves(stage, { mqlAt: latestMql, stageAt, now: now.toISOString() }, mqlAt === null ? [] : earlier);
}

/**
 * A contact an admin's requalify sent back after her MQL (trash → lead; lost or unreachable → recycled,
 * core/funnel/stages.ts REQUALIFY_TARGET): at lead with an MQL date, or recycled with no disposition date,
 * which the requalify blanks (core `revokedVerdictValues`) where a rep's recycle writes one.
 */
export function requalifiedBack(record: SourceRecord): boolean {
  const status = record.fields.leadloop_status?.trim().toLowerCase();
  if (instantOf(record.fields[MQL_DATE_FIELD]) === null) return false;
  return status === "lead" || (status === "recycled" && instantOf(record.fields[DISPOSITION_DATE_FIELD]) === null);
}

/**
 * What scoring reads for people besides their behaviour: their companies, their stages in the store, a
 * lost store's restored people's qualifications before their latest, and the clocks a deletion stopped
 * (a contact back from the recycle bin). Read for a group at once and used by each step of it.
 */
interface ScoringRead {
  companies: ReadonlyMap<string, FieldValues>;
  stages: ReadonlyMap<string, string>;
  earlier: ReadonlyMap<string, readonly EarlierQualification[]>;
  gone: readonly SlaClock[];
  /** The steady scores kept for these people, and the inputs' key part they share (scoreContext). */
  steady: ReadonlyMap<string, SteadyScore>;
  context: string;
}

async function readForScoring(
  ctx: RunContext,
  setup: FunnelSetup,
  state: FunnelRunState,
  records: readonly SourceRecord[],
): Promise<ScoringRead> {
  const ids = [...new Set(records.map((r) => r.id))];
  const companies = await readCompanies(ctx, setup, records, state.companies);
  const stages = await ctx.store.currentStages(ids);
  const earlier = await restoredRequalifications(ctx, records, stages);
  const gone = await clocksStoppedOf(ctx, ids);
  return { companies, stages, earlier, gone, steady: await ctx.store.steadyScores(ids), context: scoreContext(setup) };
}

/** Each definition's text, worked out once: the key of every steady score scored under it. */
const definitionKeys = new WeakMap<object, string>();

/**
 * What every person's score depends on besides their own values and activities: the definition and
 * window it is scored under, and whether the contact is the CRM record. Activities put in the cache drop
 * their owner's row as they are kept (steady-scores.ts), a bulk read's for contacts whose signals did
 * not move too.
 */
function scoreContext(setup: FunnelSetup): string {
  const definition = setup.qualification.definition;
  let key = definitionKeys.get(definition);
  if (key === undefined) definitionKeys.set(definition, (key = hash64(JSON.stringify(definition))));
  return [key, setup.activityWindowDays, setup.crmIsMarketing].join("|");
}

/**
 * The companies these contacts are associated with (`associatedcompanyid`), by id: those read already this
 * run (`kept`, the run's companies), the rest in batch reads, kept for the run's later groups and phases.
 * People scored after the pairs (the handoff's and history fill's candidates) take them from there too:
 * what the company pair decides for a HubSpot company waits in the outbox for the run's drain, so the
 * company holds what the qualification read until then.
 */
async function readCompanies(
  ctx: RunContext,
  setup: FunnelSetup,
  records: readonly SourceRecord[],
  kept: Map<string, FieldValues> = new Map(),
): Promise<Map<string, FieldValues>> {
  const ids = [...new Set(records.map((r) => r.fields.associatedcompanyid).filter((v): v is string => !isBlank(v)))];
  const out = await heldOrRead(ctx.marketing, COMPANIES, ids, companyFields(setup), (id) => kept.get(id));
  const read = [...out].filter(([id]) => !kept.has(id));
  // Bounded: a portal with more companies than this starts the run's set again rather than growing it.
  if (kept.size + read.length > QUALIFY_COMPANIES_KEPT) kept.clear();
  for (const [id, fields] of read) kept.set(id, fields);
  return out;
}

interface BackFromNurture {
  qualifies: boolean;
  /** The end of the cool-down that holds the new MQL from sales; null when none does. */
  heldUntil: Date | null;
}

/**
 * A person a rep returned to nurture (recycled, unreachable) qualifies again only on behaviour dated after
 * that verdict: the behaviour sales already saw does not send them back (which made recycled ↔ mql flip
 * on every run). Within the cool-down after the verdict the MQL is held from sales until it ends.
 */
async function backFromNurture(
  ctx: RunContext,
  setup: FunnelSetup,
  personId: string,
  current: Stage,
  activities: readonly ScoredActivity[],
  now: Date,
): Promise<BackFromNurture> {
  if (!NURTURE_STAGES.has(current)) return { qualifies: true, heldUntil: null };
  const verdictAt = returnedToNurtureAt(await ctx.store.listFunnelEvents({ personId }));
  if (verdictAt === null) return { qualifies: true, heldUntil: null };
  if (!hasBehaviourAfter(activities, verdictAt)) return { qualifies: false, heldUntil: null };
  const policy = setup.qualification.definition.recycle;
  return { qualifies: true, heldUntil: coolDownOver(verdictAt, now, policy) ? null : coolDownEndsAt(verdictAt, policy) };
}

/** The key of the qualification's write to a person's contact. */
function qualificationKey(personId: string): string {
  return `qualification:${personId}`;
}

/** The contact fields `scoreFields` computes from a score; its type holds the two to the same names. */
const SCORED_FIELDS = [
  "leadloop_score",
  "leadloop_fit_score",
  "leadloop_behavior_score",
  "leadloop_near_qualified",
  "leadloop_upsell",
] as const;

/** The contact fields a score write names (`scoreFields`), all of them whenever one moved. */
const SCORE_WRITE_FIELDS: ReadonlySet<string> = new Set([...SCORED_FIELDS, REASONS_FIELD]);

/**
 * The score properties to write: all of them when any differs from what the contact holds, none when
 * they agree. Scores decay a little every day, so a score only counts as different once it moved by a
 * visible step or crossed a threshold; a rescore with no real change writes nothing.
 */
function scoreFields(current: FieldValues, score: PersonScore, thresholds: Thresholds): FieldValues {
  const wanted: Record<(typeof SCORED_FIELDS)[number], string | null> = {
    leadloop_score: String(score.total),
    leadloop_fit_score: String(score.fit),
    leadloop_behavior_score: String(score.behaviour),
    leadloop_near_qualified: score.nearQualified ? score.nearQualified.missing : null,
    leadloop_upsell: score.upsell ? "true" : null,
  };
  const limits: Record<string, readonly number[]> = {
    leadloop_score: [thresholds.mql],
    leadloop_behavior_score: [thresholds.behaviour],
    leadloop_fit_score: thresholds.fitMinimum === null ? [] : [thresholds.fitMinimum],
  };
  const differs = Object.entries(wanted).some(([k, v]) =>
    k in limits ? scoreMoved(current[k] ?? null, v, limits[k]!) : !sameNumberOrText(current[k] ?? null, v),
  );
  // The reasons go with a score that moved; their wording alone (points decay daily) is no reason to write.
  return differs ? { ...wanted, [REASONS_FIELD]: reasonsText(score) } : {};
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
  return {
    personId,
    email: person.email ?? null,
    name: personName(person.firstname, person.lastname),
    score: score.total,
    fit: score.fit,
    behaviour: score.behaviour,
    nearMissing: score.nearQualified?.missing ?? null,
    ownerEmail,
    scoredAt: at,
    nameParts: { firstname: person.firstname ?? null, lastname: person.lastname ?? null },
  };
}
