// Takes a store's score rows back to before migration 42 (steady scores as their columns), for the
// upgrade tests whose files run the migrations after an older version again: 38's steady_scores table
// comes back with them, empty.
export const STEADY_COLUMNS_DROPPED = `
  DROP INDEX person_scores_steady_mail;
  ALTER TABLE person_scores DROP COLUMN steady_inputs;
  ALTER TABLE person_scores DROP COLUMN steady_until_ms;
  ALTER TABLE person_scores DROP COLUMN steady_email;
  ALTER TABLE person_scores DROP COLUMN steady_mail;
`;
