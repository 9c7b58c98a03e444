// The portal's marketing campaigns (Marketing Campaigns API v3): a GUID id and a properties map with
// HubSpot's campaign properties (hs_name, hs_start_date, hs_end_date, hs_notes, hs_audience, hs_goal,
// hs_currency_code, hs_campaign_status, hs_utm, hs_owner, ...) plus any custom campaign property a portal
// adds (a "campaign type", say). Names need not be unique: two campaigns may share one.
// https://developers.hubspot.com/docs/api/marketing/campaigns
import { randomUUID } from "node:crypto";

export interface MarketingCampaign {
  id: string;
  properties: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

/** hs_campaign_status values (Campaigns API guide, "Campaign properties"). */
export const CAMPAIGN_STATUSES = ["planned", "in_progress", "active", "paused", "completed"] as const;

export class CampaignRegistry {
  private readonly campaigns = new Map<string, MarketingCampaign>();

  /** Adds a campaign; `hs_name` is required, as the create endpoint requires it. */
  create(properties: Record<string, string>, at: Date, id: string = randomUUID()): MarketingCampaign {
    if (!properties.hs_name?.trim()) throw new Error("a campaign needs hs_name");
    const status = properties.hs_campaign_status;
    if (status !== undefined && !(CAMPAIGN_STATUSES as readonly string[]).includes(status))
      throw new Error(`hs_campaign_status must be one of ${CAMPAIGN_STATUSES.join(", ")}: ${status}`);
    const campaign = { id, properties: { ...properties }, createdAt: new Date(at), updatedAt: new Date(at) };
    this.campaigns.set(id, campaign);
    return campaign;
  }

  get(id: string): MarketingCampaign | undefined {
    return this.campaigns.get(id);
  }

  list(): MarketingCampaign[] {
    return [...this.campaigns.values()];
  }
}
