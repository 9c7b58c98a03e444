// Answers compressed (Content-Encoding: gzip) and chunked, as the systems' servers may send them to a
// client that accepts gzip (both clients ask for it), and such an answer whose connection breaks half-way
// through its body, after its headers: read whole, or retried in the one retry layer (a Salesforce one
// once it has sent nothing for the stall limit); a create whose answer broke is not sent again (it was
// carried out); and past the patience an error naming the system and endpoint (FIDELITY.md, Faults:
// `compression`, `cut`).
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { emulatorConnection } from "../../src/sandbox/sandbox-config.js";
import { startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import { createHubspotAdapter } from "../../src/systems/hubspot/adapter.js";
import { createSalesforceAdapter } from "../../src/systems/salesforce/index.js";
import { infoLog } from "../support/info-log.js";
import { thrown } from "../support/system-error-of.js";

// Patience of 3 s: a cut answer is retried well within it on a machine under load, and a lasting cut then
// uses it up (gateway-pages.int ran a 300 ms patience out under load after two attempts).
const RETRY: RetryPolicy = { patienceMs: 3_000, minTimeoutMs: 10, maxTimeoutMs: 40 };

describe("HubSpot answering gzip, chunked", () => {
  it("reads an answer whole, and one cut after its headers again; a lasting cut ends naming HubSpot and the endpoint", async () => {
    const portal = await startHubspotEmulator({ searchLagMs: 0, compression: "gzip" });
    try {
      const raw = await fetch(`${portal.url}/crm/v3/owners`, {
        headers: { authorization: `Bearer ${portal.accessToken}`, "accept-encoding": "gzip" },
      });
      expect(raw.headers.get("content-encoding")).toBe("gzip");
      const ids = ["Zoë.Ñúñez@Exämple.COM", "o.brien@example.ie", "Anaïs.Lefèvre@Société-Générale.FR"].map(
        (email, i) => portal.data.createObject("contacts", { email, firstname: ["Zoë", "  Seán ", "Anaïs"][i]!, lastname: "x".repeat(3_000) }).id,
      );
      const hubspot = createHubspotAdapter({ accessToken: portal.accessToken, baseUrl: portal.url, retry: RETRY });
      const whole = await hubspot.readByIds("contacts", ids, ["email", "firstname", "lastname"]);
      expect(whole.map((r) => r.fields.firstname).sort()).toEqual(["  Seán ", "Anaïs", "Zoë"]);

      portal.faults.add({ requests: [{ kind: "cut", times: 1, path: "/batch/read" }] });
      portal.calls.reset();
      const again = await hubspot.readByIds("contacts", ids, ["email", "firstname"]);
      expect(again.map((r) => r.fields.email).sort()).toEqual(["anaïs.lefèvre@société-générale.fr", "o.brien@example.ie", "zoë.ñúñez@exämple.com"]);
      expect(portal.calls.byEndpoint()["POST /crm/v3/objects/:objectType/batch/read"]).toBe(2);

      portal.faults.add({ requests: [{ kind: "cut", path: "/batch/read" }] });
      const err = await thrown(hubspot.readByIds("contacts", ids, ["email"]));
      expect(err).toMatchObject({ system: "hubspot", errorClass: "transient", retriable: false });
      expect(err.message).toMatch(
        /^stopped after \S+ of failed connections to HubSpot \(ERR_STREAM_PREMATURE_CLOSE\) on POST \/crm\/v3\/objects\/contacts\/batch\/read: \d+ attempts used up the 3s patience/,
      );
    } finally {
      await portal.close();
    }
  });

  it("does not send a create again when its answer was cut: the tasks are made once", async () => {
    const portal = await startHubspotEmulator({ searchLagMs: 0, compression: "gzip" });
    try {
      const contact = portal.data.createObject("contacts", { email: "Camille.Hélène@Exämple.FR" });
      const hubspot = createHubspotAdapter({ accessToken: portal.accessToken, baseUrl: portal.url, retry: RETRY });
      portal.faults.add({ requests: [{ kind: "cut", times: 1, path: "/batch/create" }] });
      const err = await thrown(
        hubspot.write("tasks", [
          {
            ref: "t1",
            fields: { hs_task_subject: "Rappeler Camille — démo", hs_timestamp: "2026-12-07T09:00:00.000Z" },
            associations: [{ object: "contacts", id: contact.id }],
          },
        ]),
      );
      expect(err.message).toContain("not resent");
      expect(portal.data.associationsOf("contacts", contact.id, "tasks")).toHaveLength(1);
    } finally {
      await portal.close();
    }
  });
});

describe("Salesforce answering gzip, chunked", () => {
  // jsforce never settles an answer cut under way (call-timeout.ts). The whole call's limit is ten seconds
  // here, far above the stall limit: an answer that stopped is given up once it sends nothing for 300 ms.
  it("reads an answer whole, and one cut after its headers again once it stalls, long before the call's limit", async () => {
    const org = await startSalesforceEmulator({ compression: "gzip" });
    try {
      const lead = org.data.insert("Lead", { LastName: "Ñúñez-Größe", FirstName: "Zoë", Company: "Société Générale d'Optique", Description: "é".repeat(4_000) });
      const { log, lines } = infoLog();
      const sf = await createSalesforceAdapter({ connection: emulatorConnection(org), log, retry: { ...RETRY, patienceMs: 5_000 }, requestTimeoutMs: 10_000, answerStallMs: 300 });
      expect((await sf.readByIds("Lead", [lead], ["LastName"])).map((r) => r.fields.LastName)).toEqual(["Ñúñez-Größe"]);
      org.faults.add({ requests: [{ kind: "cut", times: 1, path: "/query" }] });
      const read = await sf.readByIds("Lead", [lead], ["FirstName", "Description"]);
      expect(read.map((r) => [r.fields.FirstName, r.fields.Description?.length])).toEqual([["Zoë", 4_000]]);
      expect(org.calls.byEndpoint()["GET /services/data/:version/query"]).toBe(3);
      expect(lines().filter((l) => l.message === "salesforce.retry")).toEqual([
        expect.objectContaining({ purpose: "query", code: "ANSWER_STALLED", errorClass: "transient", attempt: 1 }),
      ]);
    } finally {
      await org.close();
    }
  });

  it("does not send a create again when its answer stalled: the Lead is made once, the error says why", async () => {
    const org = await startSalesforceEmulator({ compression: "gzip" });
    try {
      const sf = await createSalesforceAdapter({ connection: emulatorConnection(org), retry: { ...RETRY, patienceMs: 5_000 }, requestTimeoutMs: 10_000, answerStallMs: 300 });
      org.faults.add({ requests: [{ kind: "cut", times: 1, method: "POST", path: "/composite/sobjects" }] });
      const err = await thrown(
        sf.write("Lead", [{ ref: "l1", fields: { LastName: "O'Brien", FirstName: "  Seán ", Company: "Ériu Teoranta — Gaillimh" } }]),
      );
      expect(err).toMatchObject({ system: "salesforce", code: "ANSWER_STALLED", retriable: false });
      expect(err.message).toContain("answers from Salesforce that stopped under way (no byte for 300 ms after the headers)");
      expect(err.message).toContain("not resent");
      expect(org.data.list("Lead").filter((l) => l.LastName === "O'Brien")).toHaveLength(1);
    } finally {
      await org.close();
    }
  });
});

describe("answers that stop half-way with the connection left open (stall)", () => {
  it("Salesforce: a query answer that stalls is given up after the stall limit and read again", async () => {
    const org = await startSalesforceEmulator();
    try {
      const lead = org.data.insert("Lead", { LastName: "Ó Súilleabháin", FirstName: "Siobhán", Company: "Ériu Teoranta", Description: "ü".repeat(3_000) });
      const { log, lines } = infoLog();
      const sf = await createSalesforceAdapter({ connection: emulatorConnection(org), log, retry: { ...RETRY, patienceMs: 5_000 }, requestTimeoutMs: 10_000, answerStallMs: 300 });
      org.faults.add({ requests: [{ kind: "stall", times: 1, path: "/query" }] });
      const read = await sf.readByIds("Lead", [lead], ["FirstName", "Description"]);
      expect(read.map((r) => [r.fields.FirstName, r.fields.Description?.length])).toEqual([["Siobhán", 3_000]]);
      expect(lines().filter((l) => l.message === "salesforce.retry")).toEqual([
        expect.objectContaining({ purpose: "query", code: "ANSWER_STALLED", errorClass: "transient", attempt: 1 }),
      ]);
    } finally {
      await org.close();
    }
  });

  it("HubSpot: a batch read that stalls is given up after the stall limit and read again", async () => {
    const portal = await startHubspotEmulator({ searchLagMs: 0 });
    try {
      const id = portal.data.createObject("contacts", { email: "Siobhan.OSuilleabhain@Eriu.IE", firstname: "Siobhán", lastname: "x".repeat(3_000) }).id;
      const { log, lines } = infoLog();
      const hubspot = createHubspotAdapter({ accessToken: portal.accessToken, baseUrl: portal.url, retry: RETRY, log, requestTimeoutMs: 10_000, answerStallMs: 300 });
      portal.faults.add({ requests: [{ kind: "stall", times: 1, path: "/batch/read" }] });
      const read = await hubspot.readByIds("contacts", [id], ["email", "firstname", "lastname"]);
      expect(read.map((r) => [r.fields.firstname, r.fields.lastname?.length])).toEqual([["Siobhán", 3_000]]);
      expect(lines().filter((l) => l.message === "hubspot.retry")).toEqual([
        expect.objectContaining({ code: "ANSWER_STALLED", errorClass: "transient", attempt: 1 }),
      ]);
    } finally {
      await portal.close();
    }
  });
});
