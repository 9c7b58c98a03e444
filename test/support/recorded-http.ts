// The rules every recorded-response suite follows: no real network, every mock consumed, and nock
// taken off Node's http when the file ends, so the next file in the same jest worker starts clean.
import https from "node:https";
import type { Agent, ClientRequest } from "node:http";
import nock from "nock";

/**
 * nock 15 intercepts at the socket (@mswjs/interceptors): a new connection on which the client starts
 * reading before it has written a byte is taken for a server-speaks-first protocol and passed through to
 * the real host at the next setImmediate. jsforce writes a request with a body only after a
 * setTimeout(0) (jsforce lib/request-helper.js), so that race sometimes sends a Salesforce call to the
 * network too: its failure then destroys the mocked socket mid-response and jsforce waits for the body
 * forever. Sending each request's head at once, as soon as it has a socket, tells the interceptor it is
 * HTTP before it looks.
 */
function flushHeadersOnRequest(agent: Agent): () => void {
  const own = Object.getOwnPropertyDescriptor(agent, "addRequest");
  const addRequest = function (this: Agent, req: ClientRequest, ...rest: unknown[]): void {
    req.flushHeaders();
    (Object.getPrototypeOf(agent) as { addRequest: (...args: unknown[]) => void }).addRequest.call(this, req, ...rest);
  };
  Object.defineProperty(agent, "addRequest", { value: addRequest, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(agent, "addRequest", own);
    else delete (agent as { addRequest?: unknown }).addRequest;
  };
}

export function useRecordedHttp(): typeof nock {
  let restoreAgent: (() => void) | undefined;
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    restoreAgent = flushHeadersOnRequest(https.globalAgent);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    restoreAgent?.();
    nock.enableNetConnect();
    nock.restore();
  });
  return nock;
}
