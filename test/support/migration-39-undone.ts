// What migration 39 made, taken back (store/sqlite/migrations.ts): the upgrade tests take a store file back
// to an older schema version, and the migrations after it run again when the store opens it.
import { AUDIT_LOG_VIEW } from "../../src/store/sqlite/migrations.js";

export const MIGRATION_39_UNDONE = `
  DROP INDEX links_active_crm;
  CREATE UNIQUE INDEX links_active_crm ON links (pair, crm_type, crm_id) WHERE status = 'active';
  CREATE INDEX links_active_crm_id ON links (pair, crm_id) WHERE status = 'active';
  DROP INDEX links_retired_marketing;
  DROP INDEX links_retired_crm;
  CREATE INDEX audit_pieces_last_write ON audit_pieces (last_write);
  DROP VIEW audit_log;
  CREATE TABLE names_unique (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  INSERT INTO names_unique (id, name) SELECT id, name FROM names;
  DROP TABLE names;
  ALTER TABLE names_unique RENAME TO names;
  ${AUDIT_LOG_VIEW};
`;
