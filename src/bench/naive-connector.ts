// The baseline of issue 3: a naive per-record connector, built only for the bench. It lists the contact
// ids page by page, reads each contact with one GET and creates each Lead with one POST, using plain fetch
// against the same emulators. It is not production code: no matching, no state, and no retries but one
// for a connection dropped before it answered (see `sent`).
import type { Emulators } from "./bench-loop.js";
import { startTally } from "./call-tally.js";
import type { CallCounts } from "./figures.js";

const API_VERSION = "v62.0";
/** Calls in flight at once: only to keep the bench short; the call count does not depend on it. */
const CONCURRENCY = 8;
const LIST_PAGE = 100;

/** HubSpot contact property → Lead field; copied as they are, which is what makes it naive. */
const FIELDS: Record<string, string> = {
  email: "Email",
  firstname: "FirstName",
  lastname: "LastName",
  company: "Company",
  jobtitle: "Title",
  phone: "Phone",
  city: "City",
  state: "State",
  country: "Country",
};
const LIMITS: Record<string, number> = { FirstName: 40, LastName: 80, Company: 255, Title: 128, City: 40 };

export interface NaiveFigures {
  records: number;
  seconds: number;
  /** Leads the org accepted; the rest were refused (values the naive copy does not clean). */
  created: number;
  refused: number;
  apiCalls: { hubspot: CallCounts; salesforce: CallCounts };
  totalCalls: number;
}

interface ListPage {
  results: { id: string }[];
  paging?: { next?: { after?: string } };
}
interface Contact {
  properties: Record<string, string | null | undefined>;
}

export async function runNaiveConnector(emulators: Emulators, records: number): Promise<NaiveFigures> {
  const { hubspot, salesforce } = emulators;
  const tallies = { hubspot: startTally(hubspot), salesforce: startTally(salesforce) };
  const started = performance.now();
  const hubspotGet = async <T>(path: string): Promise<T> => {
    const res = await sent(`${hubspot.url}${path}`, {
      headers: { authorization: `Bearer ${hubspot.accessToken}` },
    });
    if (!res.ok) throw new Error(`naive connector: HubSpot ${path} answered ${res.status}`);
    return (await res.json()) as T;
  };
  const createLead = async (fields: Record<string, string>): Promise<boolean> => {
    const res = await sent(`${salesforce.url}/services/data/${API_VERSION}/sobjects/Lead`, {
      method: "POST",
      headers: { authorization: `Bearer ${salesforce.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify(fields),
    });
    await res.arrayBuffer();
    return res.ok;
  };

  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await hubspotGet<ListPage>(
      `/crm/v3/objects/contacts?limit=${LIST_PAGE}${after ? `&after=${after}` : ""}`,
    );
    for (const r of page.results) ids.push(r.id);
    after = page.paging?.next?.after;
  } while (after);

  const properties = Object.keys(FIELDS).join(",");
  let created = 0;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const contact = await hubspotGet<Contact>(`/crm/v3/objects/contacts/${id}?properties=${properties}`);
      if (await createLead(leadFields(contact))) created++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const seconds = (performance.now() - started) / 1000;
  const apiCalls = { hubspot: tallies.hubspot.stop(), salesforce: tallies.salesforce.stop() };
  return {
    records,
    seconds: Math.round(seconds * 1000) / 1000,
    created,
    refused: ids.length - created,
    apiCalls,
    totalCalls: apiCalls.hubspot.total + apiCalls.salesforce.total,
  };
}

/**
 * fetch, sent again once when the connection drops before an answer: under load, a kept-alive socket the
 * emulator closes as it idles out can be reused in that instant (undici "other side closed"). The
 * emulators count the requests they receive, and such a request never reached them; one such drop failed
 * a whole 10k bench run under load.
 */
async function sent(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!(err instanceof TypeError && err.message === "fetch failed")) throw err;
    return fetch(url, init);
  }
}

function leadFields(contact: Contact): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [property, field] of Object.entries(FIELDS)) {
    const value = contact.properties[property]?.trim();
    if (value) out[field] = LIMITS[field] ? value.slice(0, LIMITS[field]) : value;
  }
  // Salesforce requires both on a Lead.
  out.LastName ??= "[not provided]";
  out.Company ??= "[not provided]";
  return out;
}
