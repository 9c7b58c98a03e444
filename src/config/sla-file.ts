// Loads config/sla.yaml into an SlaDefinition; problems carry the file, line and key.
import type { SlaDefinition } from "../core/sla/definition.js";
import { parseDuration } from "./duration.js";
import { type SlaFile, slaSchema } from "./sla-schema.js";
import { loadYamlFile, parseYamlText } from "./yaml-file.js";

export function loadSla(file: string): SlaDefinition {
  return toDefinition(loadYamlFile(file, slaSchema));
}

/** Parses SLA YAML text; `file` names it in problems. */
export function parseSla(text: string, file: string): SlaDefinition {
  return toDefinition(parseYamlText(text, file, slaSchema));
}

const DAY = 86_400_000;

function toDefinition(parsed: SlaFile): SlaDefinition {
  const hours =
    parsed.clock === "business" && parsed.businessHours
      ? {
          timezone: parsed.businessHours.timezone,
          days: parsed.businessHours.days,
          startMinute: parsed.businessHours.start,
          endMinute: parsed.businessHours.end,
        }
      : null;
  // On a business clock a day is a working day: "1d" is 09:00–18:00's nine hours, not twenty-four.
  const working = (ms: number) =>
    hours ? Math.floor(ms / DAY) * (hours.endMinute - hours.startMinute) * 60_000 + (ms % DAY) : ms;
  return {
    clock: parsed.clock,
    businessHours: hours,
    followUpMs: working(parseDuration(parsed.followUp.within)!),
    followUpLabel: parsed.followUp.within + (hours ? " (working time)" : ""),
    touches: parsed.touches
      ? { expected: parsed.touches.expected, withinMs: working(parsed.touches.within) }
      : null,
    onBreach: {
      ...parsed.onBreach,
      managers: Object.fromEntries(
        Object.entries(parsed.onBreach.managers).map(([rep, manager]) => [rep.toLowerCase(), manager.toLowerCase()]),
      ),
    },
  };
}
