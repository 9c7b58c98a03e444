// Why a console retry was not made (the entry was not open, another run held the store), kept in the
// daemon under a random key that the redirect after the retry names. The reason's text never travels in
// the URL, so a link made elsewhere cannot put words of its own in the console's status banner.
import { randomUUID } from "node:crypto";

/** Reasons kept at most; the oldest goes first (a reload of a page that old shows the banner without it). */
const KEPT = 50;

export class RetryReasons {
  private readonly reasons = new Map<string, string>();

  /** Keeps `reason` and returns the key the redirect names it by. */
  keep(reason: string): string {
    const key = randomUUID();
    this.reasons.set(key, reason);
    if (this.reasons.size > KEPT) this.reasons.delete(this.reasons.keys().next().value!);
    return key;
  }

  /** The reason kept under `key`, if this daemon kept one. */
  find(key: string | null): string | undefined {
    return key === null ? undefined : this.reasons.get(key);
  }
}
