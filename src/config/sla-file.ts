// Loads config/sla.yaml into an SlaDefinition; problems carry the file, line and key.
import type { SlaDefinition } from "../core/sla/definition.js";
import { parseDuration } from "./duration.js";
import { type SlaFile, slaFileSchema } from "./sla-schema.js";
import { loadYamlFile, parseYamlText } from "./yaml-file.js";

export function loadSla(file: string): SlaDefinition {
  return toDefinition(loadYamlFile(file, slaFileSchema));
}

/** Parses SLA YAML text; `file` names it in problems. */
export function parseSla(text: string, file: string): SlaDefinition {
  return toDefinition(parseYamlText(text, file, slaFileSchema));
}

function toDefinition(parsed: SlaFile): SlaDefinition {
  return {
    clock: parsed.clock,
    followUpMs: parseDuration(parsed.followUp.within)!,
    followUpLabel: parsed.followUp.within,
    touches: parsed.touches ? { expected: parsed.touches.expected, withinMs: parsed.touches.within } : null,
    onBreach: {
      ...parsed.onBreach,
      managers: Object.fromEntries(
        Object.entries(parsed.onBreach.managers).map(([rep, manager]) => [rep.toLowerCase(), manager.toLowerCase()]),
      ),
    },
  };
}
