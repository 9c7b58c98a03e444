// What migration 39 made, taken back (store/sqlite/migrations.ts): the upgrade tests take a store file back
// to an older schema version, and the migrations after it run again when the store opens it.
export const MIGRATION_39_UNDONE = `
  DROP INDEX links_active_crm;
  CREATE UNIQUE INDEX links_active_crm ON links (pair, crm_type, crm_id) WHERE status = 'active';
  CREATE INDEX links_active_crm_id ON links (pair, crm_id) WHERE status = 'active';
  DROP INDEX links_retired_marketing;
  DROP INDEX links_retired_crm;
  CREATE INDEX audit_pieces_last_write ON audit_pieces (last_write);
`;
