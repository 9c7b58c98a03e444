// The systems' descriptions of their objects as a process read them (HubSpot's property lists, Salesforce's
// describes), one row per system and object, under the configuration they were read for (ARCHITECTURE.md
// "Kept descriptions"); a newer read replaces its row, and rows of another configuration are dropped with it.
import type { KeptDescription } from "../../sync/kept-descriptions.js";
import type { Statements } from "./statements.js";

interface Row {
  system: string;
  object: string;
  answer: string;
  learnedAt: string;
}

export class KeptDescriptionTable {
  constructor(private readonly sql: Statements) {}

  /** The descriptions kept under `configKey` and read at or after `since`. */
  list(configKey: string, since: string): KeptDescription[] {
    return this.sql
      .get<Row>(
        `SELECT system, object, answer, learned_at AS learnedAt FROM kept_descriptions
         WHERE config_key = ? AND learned_at >= ? ORDER BY system, object`,
      )
      .all(configKey, since)
      .map((r) => ({ system: r.system, object: r.object, answer: JSON.parse(r.answer) as unknown, learnedAt: r.learnedAt }));
  }

  /** Keeps `learned` (each stamped `at` unless it says when it was read) and drops `forgotten` and other configurations' rows. */
  keep(configKey: string, learned: readonly KeptDescription[], forgotten: readonly { system: string; object: string }[], at: string): void {
    this.sql.get("DELETE FROM kept_descriptions WHERE config_key <> ?").run(configKey);
    for (const f of forgotten) {
      this.sql.get("DELETE FROM kept_descriptions WHERE system = ? AND lower(object) = lower(?)").run(f.system, f.object);
    }
    for (const d of learned) {
      this.sql
        .get(
          `INSERT INTO kept_descriptions (system, object, config_key, answer, learned_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (system, object) DO UPDATE SET config_key = excluded.config_key, answer = excluded.answer,
             learned_at = excluded.learned_at`,
        )
        .run(d.system, d.object, configKey, JSON.stringify(d.answer), d.learnedAt ?? at);
    }
  }
}
