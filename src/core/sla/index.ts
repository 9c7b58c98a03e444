// The follow-up SLA: when a handed-off lead must be touched, where it stands, which breaches to raise.
export { breachesToRaise, type SlaBreach } from "./breaches.js";
export type { Instant, SlaBreachKind, SlaClockView, SlaDefinition } from "./definition.js";
export { type SlaState, slaDueAt, slaState, touchesDueAt } from "./state.js";
