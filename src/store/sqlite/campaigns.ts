// The campaigns leadloop read from HubSpot (Marketing Campaigns API) and Salesforce (Campaign), so a
// report titles a funnel event's campaign id with its name and type without calling either system.
import type { StoredCampaign } from "../port.js";
import type { Statements } from "./statements.js";

const COLUMNS = `origin, id, name, type, status, start_date AS startDate, end_date AS endDate, read_at AS readAt`;

export class CampaignTable {
  constructor(private readonly sql: Statements) {}

  save(c: StoredCampaign): void {
    this.sql
      .get(
        `INSERT INTO campaigns (origin, id, name, type, status, start_date, end_date, read_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (origin, id) DO UPDATE SET name = excluded.name, type = excluded.type,
           status = excluded.status, start_date = excluded.start_date, end_date = excluded.end_date,
           read_at = excluded.read_at`,
      )
      .run(c.origin, c.id, c.name, c.type, c.status, c.startDate, c.endDate, c.readAt);
  }

  list(filter: { origin?: StoredCampaign["origin"] } = {}): StoredCampaign[] {
    if (filter.origin !== undefined)
      return this.sql
        .get<StoredCampaign>(`SELECT ${COLUMNS} FROM campaigns WHERE origin = ? ORDER BY origin, id`)
        .all(filter.origin);
    return this.sql.get<StoredCampaign>(`SELECT ${COLUMNS} FROM campaigns ORDER BY origin, id`).all();
  }
}
