// The Salesforce adapter's public surface.
export { createSalesforceAdapter, type SalesforceAdapter, type SalesforceAdapterOptions } from "./adapter.js";
export type { ApiShare } from "./api-budget.js";
export { DAILY_LIMIT_MESSAGE } from "./errors.js";
