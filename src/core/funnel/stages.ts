// The funnel's stages and the moves between them. Every move names its cause; a move the table does not
// hold, or holds for other causes, is refused with a message saying what would be allowed.
//
// Decisions: `won` is final (a customer's new interest is the upsell signal, not a funnel move); `trash`
// means "never qualifies", so no score brings a person back from it: only an explicit `requalify` cause
// (an admin's decision) moves it back to `lead` or `recycled`, from where scoring works again. Sales
// changing its mind is the other way out: the rep who accepts or converts a Lead they trashed moves the
// person on to `sal` or `opportunity` (README "Recycle and trash"), where her deal's outcome counts.

export const STAGES = [
  "lead",
  "mql",
  "sal",
  "opportunity",
  "won",
  "lost",
  "recycled",
  "trash",
  "unreachable",
] as const;
export type Stage = (typeof STAGES)[number];

/** What moved a person: scoring, a rep's disposition, a lead conversion, an opportunity's outcome, an admin. */
export const CAUSE_KINDS = ["score", "disposition", "conversion", "opportunity", "requalify"] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

export interface MoveCause {
  kind: CauseKind;
  /** Free text kept with the funnel event: the score, the CRM status, the opportunity id. */
  detail: string;
}

const ANY_DISPOSITION: readonly CauseKind[] = ["disposition"];
/**
 * Sales accepting a person: the rep's qualified verdict, or converting the Lead without an Opportunity,
 * which is that verdict too (README "Dispositions"; with an Opportunity the move is to opportunity).
 */
const ACCEPTED: readonly CauseKind[] = ["disposition", "conversion"];

/** from → to → the causes that may make that move. */
const TRANSITIONS: Readonly<Record<Stage, Partial<Record<Stage, readonly CauseKind[]>>>> = {
  // A rep's own lead (created in the CRM) can be dispositioned before marketing ever qualifies it.
  lead: {
    mql: ["score"],
    sal: ACCEPTED,
    opportunity: ["conversion"],
    recycled: ANY_DISPOSITION,
    trash: ["disposition", "score"],
    unreachable: ANY_DISPOSITION,
  },
  // A held MQL no longer qualifying when the cool-down ends goes back to the nurture stage it was held in
  // (core/funnel/recycle.ts `lapsedCause`): a score's move, no verdict.
  mql: {
    sal: ACCEPTED,
    opportunity: ["conversion"],
    recycled: ["disposition", "score"],
    trash: ANY_DISPOSITION,
    unreachable: ["disposition", "score"],
  },
  sal: {
    opportunity: ["conversion"],
    recycled: ANY_DISPOSITION,
    trash: ANY_DISPOSITION,
    unreachable: ANY_DISPOSITION,
  },
  // A stalled opportunity goes back to nurture.
  opportunity: { won: ["opportunity"], lost: ["opportunity"], recycled: ["opportunity", "disposition"] },
  won: {},
  lost: { recycled: ["opportunity", "disposition", "requalify"], opportunity: ["conversion"] },
  recycled: {
    mql: ["score"],
    sal: ACCEPTED,
    opportunity: ["conversion"],
    trash: ANY_DISPOSITION,
    unreachable: ANY_DISPOSITION,
  },
  // The rep may reach the person later; otherwise back to nurture, and, like a recycled person, an MQL
  // again on new behaviour (the qualification asks for behaviour dated after the verdict).
  unreachable: {
    mql: ["score"],
    sal: ACCEPTED,
    opportunity: ["conversion"],
    recycled: ["disposition", "requalify"],
    trash: ANY_DISPOSITION,
  },
  trash: { lead: ["requalify"], sal: ACCEPTED, opportunity: ["conversion"], recycled: ["requalify"] },
};

/**
 * Where an admin's `requalify` sends a person from each stage it may move: trash starts over as a lead
 * (README "Recycle and trash"). The lost store's rebuild sends her the same way (restore.ts).
 */
export const REQUALIFY_TARGET: Readonly<Partial<Record<Stage, Stage>>> = { trash: "lead", lost: "recycled", unreachable: "recycled" };

/** True when some cause may move a person from `from` to `to`. */
export function canMove(from: Stage, to: Stage): boolean {
  return TRANSITIONS[from][to] !== undefined;
}

export type MoveResult = { ok: true } | { ok: false; message: string };

export function move(from: Stage, to: Stage, cause: MoveCause): MoveResult {
  if (from === to) return { ok: false, message: `already in stage ${to}` };
  const causes = TRANSITIONS[from][to];
  if (causes === undefined) {
    const next = Object.keys(TRANSITIONS[from]);
    const allowed =
      next.length > 0 ? `; from ${from} a person can move to ${next.join(", ")}` : `; ${from} is final`;
    return { ok: false, message: `cannot move from ${from} to ${to}${allowed}` };
  }
  if (!causes.includes(cause.kind)) {
    return {
      ok: false,
      message: `moving from ${from} to ${to} needs a ${causes.join(" or ")} cause, not ${cause.kind}`,
    };
  }
  return { ok: true };
}

/** The stages a person may move to from `from`, in funnel order. */
export function nextStages(from: Stage): Stage[] {
  return STAGES.filter((to) => canMove(from, to));
}

/** The value of the `leadloop_status` property leadloop keeps on the marketing contact. */
export function leadloopStatusFor(stage: Stage): string {
  return stage;
}
