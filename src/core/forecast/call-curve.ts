// Calls as a function of a count (a first load's contacts, a run's changed contacts), through runs the
// bench measured: straight between measured sizes, and on past the largest at its last segment's slope.
// The point at 0 is the part that does not scale: describes, owners, lists, the run lock, the idle reads.
import type { ClassCalls, ForecastSystem } from "./api-forecast.js";

export type SystemCalls = Record<ForecastSystem, ClassCalls>;

/** The calls measured (or, at 0, the calls that do not scale) at a count. */
export interface CurvePoint {
  at: number;
  calls: SystemCalls;
}

/** The calls at `count`, from points sorted by `at`, the first at 0. */
export function callsAt(points: readonly CurvePoint[], count: number): SystemCalls {
  const first = points[0];
  if (!first) throw new Error("a call curve needs at least its point at 0");
  if (points.length === 1) return first.calls;
  let i = 1;
  while (i < points.length - 1 && count > points[i]!.at) i += 1;
  const lo = points[i - 1]!;
  const hi = points[i]!;
  const t = (count - lo.at) / (hi.at - lo.at);
  // A class can fall between two sizes (fewer match queries once a run holds more), never below none.
  const between = (a: ClassCalls, b: ClassCalls): ClassCalls => ({
    writes: Math.max(0, a.writes + (b.writes - a.writes) * t),
    reads: Math.max(0, a.reads + (b.reads - a.reads) * t),
    behaviour: Math.max(0, a.behaviour + (b.behaviour - a.behaviour) * t),
    match: Math.max(0, a.match + (b.match - a.match) * t),
    search: Math.max(0, a.search + (b.search - a.search) * t),
  });
  return { hubspot: between(lo.calls.hubspot, hi.calls.hubspot), salesforce: between(lo.calls.salesforce, hi.calls.salesforce) };
}

/**
 * The part that does not scale: the line through the two smallest measured sizes, at 0 (never below
 * `floor`, what any run costs). One size alone cannot tell it: `floor` then.
 */
export function fixedPart(measured: readonly CurvePoint[], floor: SystemCalls): SystemCalls {
  const [a, b] = [...measured].sort((x, y) => x.at - y.at);
  if (!a || !b) return floor;
  const atZero = (s: ForecastSystem, k: keyof ClassCalls) => {
    const slope = (b.calls[s][k] - a.calls[s][k]) / (b.at - a.at);
    return Math.max(floor[s][k], a.calls[s][k] - slope * a.at);
  };
  const system = (s: ForecastSystem): ClassCalls => ({
    writes: atZero(s, "writes"),
    reads: atZero(s, "reads"),
    behaviour: atZero(s, "behaviour"),
    match: atZero(s, "match"),
    search: atZero(s, "search"),
  });
  return { hubspot: system("hubspot"), salesforce: system("salesforce") };
}

/** The curve through the measured points, from the part that does not scale. */
export function curveThrough(measured: readonly CurvePoint[], floor: SystemCalls): CurvePoint[] {
  const sorted = [...measured].filter((p) => p.at > 0).sort((x, y) => x.at - y.at);
  return [{ at: 0, calls: fixedPart(sorted, floor) }, ...sorted];
}
