// A HubSpot that says more pages follow without saying how to read them: `paging.next` without `after`
// (its `link` kept), the email events' `hasMore: true` without `offset`. The references give each list's
// next page by that cursor alone; a server written carelessly to them may still answer so, and a reader
// must stop there rather than end short (emulator.ts `pagingCursors`, FIDELITY.md "paging signals").
import { Router } from "../emulator/router.js";
import type { EmulatorHandler, EmulatorResponse } from "../emulator/server.js";

/** Whether an answer with more pages names the next one: "given" (default), or "withheld". */
export type PagingCursors = "given" | "withheld";

/** A router whose every handler answers its paging cursors withheld. */
export class CursorWithholdingRouter extends Router<EmulatorHandler> {
  override add(method: string, pattern: string, handler: EmulatorHandler): this {
    return super.add(method, pattern, async (req) => withheld(await handler(req)));
  }
}

function withheld(response: EmulatorResponse): EmulatorResponse {
  const body = response.body;
  if (typeof body !== "object" || body === null) return response;
  const out = { ...(body as Record<string, unknown>) };
  const paging = out.paging as { next?: Record<string, unknown> } | undefined;
  if (paging?.next) {
    const { after: _after, ...next } = paging.next;
    out.paging = { ...paging, next };
  }
  if (out.hasMore === true) delete out.offset;
  // Associations v4's batch read pages each input's associations in its own result.
  if (Array.isArray(out.results)) out.results = out.results.map((r: unknown) => (typeof r === "object" && r !== null && "paging" in r ? withheld({ status: 200, body: r }).body : r));
  return { ...response, body: out };
}
