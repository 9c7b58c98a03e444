// The follow-up SLA: when a handed-off lead must be touched, where it stands, which breaches to raise.
export { breachesToRaise, type SlaBreach } from "./breaches.js";
export { ALERT_RECIPIENTS, type AlertRecipient } from "./definition.js";
export type { Instant, SlaBreachKind, SlaClockView, SlaDefinition } from "./definition.js";
export { addBusinessTime, type BusinessHours, WEEKDAYS, type Weekday } from "./business-hours.js";
export { type SlaState, type SlaTerms, slaAfter, slaDueAt, slaState, slaTerms, startedClock, touchesDueAt } from "./state.js";
export { DUE_FORMS, type DueField, type DueForm, dueFieldValues } from "./due-fields.js";
export { type ClockOutcome, clockKey, clockOutcome, reachedRep } from "./outcome.js";
export { planReroute, type RerouteContext, type RerouteDecision } from "./reroute.js";
