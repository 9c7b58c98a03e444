// `--owner <email>` on the commands that show one rep's leads (`sla`, `hot`, `digest`): an email no rep
// has would print "nothing for them" and exit 0, so a typo read as a rep with nothing to do. One check for
// all three: a rep is known when the routing names them or the store has seen them own a lead.
import { loadRouting } from "../config/routing-file.js";
import { lookUpRep, routingReps } from "../core/routing/index.js";
import type { StateStore } from "../store/port.js";
import type { CommandIo } from "./context.js";
import { EXIT } from "./exit-codes.js";

/**
 * Says so on stderr and sets exit 1 when `owner` names no rep leadloop knows, with the nearest known
 * email when one is close; returns whether it did. Asked only when the filter found nothing, since a rep
 * with leads shown is known, so the routing file is read only then.
 */
export async function unknownOwner(io: CommandIo, store: StateStore, routingFile: string, owner: string): Promise<boolean> {
  const known = [...routingReps(loadRouting(routingFile)), ...(await store.leadOwnerEmails())];
  const found = lookUpRep(owner, known);
  if (found.known) return false;
  io.stderr.write(
    `leadloop: no rep with email ${owner} is known (the routing names no such rep, and no lead was handed to one)` +
      `${found.nearest ? `; did you mean ${found.nearest}?` : ""}\n`,
  );
  io.outcome.exitCode = EXIT.failure;
  return true;
}
