// Lead routing: who gets a handed-off lead (territory rules, round-robin queues, fallback).
export type {
  Assignment,
  EmployeeRange,
  PersonAccount,
  RoutablePerson,
  RouteContext,
  RoutingDefinition,
  RoutingRule,
  RuleConditions,
} from "./definition.js";
export { routablePerson } from "./definition.js";
export { lookUpRep, type RepLookup, routingReps } from "./known-reps.js";
export { explainRoute, formatRouteExplanation, type RouteExplanation } from "./explain.js";
export { pickFromQueue, planRoute, type QueueDecision, type RouteAssignment } from "./plan.js";
export { queueTurnShown, routedByText } from "./routed-by.js";
export {
  ACCOUNT_OWNER_STEP,
  FALLBACK_STEP,
  type RouteDecision,
  type RouteStep,
  type StepOutcome,
} from "./walk.js";
