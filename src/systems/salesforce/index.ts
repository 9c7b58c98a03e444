// The Salesforce adapter's public surface.
export { createSalesforceAdapter, type SalesforceAdapter, type SalesforceAdapterOptions } from "./adapter.js";
export type { ApiShare, SpentCalls } from "./api-budget.js";
export { DAILY_LIMIT_MESSAGE, DAILY_LIMIT_RUN_NOTE } from "./errors.js";
export { API_WINDOW_MS } from "./limits.js";
