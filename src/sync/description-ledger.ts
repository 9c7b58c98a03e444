// One adapter's account of the descriptions it holds for the store to keep (ARCHITECTURE.md "Kept descriptions"):
// when the system answered each, which changed since last taken, which a refusal doubted or a create of unknown
// outcome made it forget. HubSpot's property catalog and Salesforce's describe cache both keep theirs here.
import type { DescriptionChanges, DescriptionKeeping, KeptDescription } from "./kept-descriptions.js";

/** The adapter's side: its descriptions, by its own key for an object (case folded as its system folds it). */
export interface DescriptionHolder {
  key(object: string): string;
  /** Takes a kept answer as if read; false when its schema refuses it or a description is already held. */
  hold(key: string, answer: unknown): boolean;
  /** The description as held now, as the store keeps it, with any change leadloop made since it was read. */
  held(key: string): Promise<{ object: string; answer: unknown } | undefined>;
  /** Drops the description: read again when next asked. */
  drop(key: string): void;
}

export class DescriptionLedger implements DescriptionKeeping {
  /**
   * When the system answered each description held (asked, strictly: the answer may be later): a recalled
   * one keeps the time the store gave, and a change leadloop made to it (a create) keeps the read's time,
   * so nothing kept serves longer than `sync.descriptionsKeptFor` from what the system last said whole.
   */
  private readonly readAt = new Map<string, string>();
  /** Read or changed since last taken. */
  private readonly changed = new Set<string>();
  private readonly forgotten = new Set<string>();
  private readonly doubted = new Set<string>();

  constructor(
    private readonly system: string,
    private readonly holder: DescriptionHolder,
  ) {}

  recall(kept: readonly KeptDescription[]): void {
    for (const { system, object, answer, learnedAt } of kept) {
      if (system !== this.system || learnedAt === undefined) continue;
      const key = this.holder.key(object);
      if (this.holder.hold(key, answer)) this.readAt.set(key, learnedAt);
    }
  }

  /** The system answered `key`'s description, asked at `askedAt` (ms since the epoch). */
  read(key: string, askedAt: number): void {
    this.readAt.set(key, new Date(askedAt).toISOString());
    this.changed.add(key);
    this.forgotten.delete(key);
  }

  /** Leadloop changed a description it holds (a property it made): kept again, as of its read. */
  extended(key: string): void {
    if (this.readAt.has(key)) this.changed.add(key);
  }

  /** The description is no longer trusted, here or by the next process. */
  forget(key: string): void {
    this.readAt.delete(key);
    this.changed.delete(key);
    this.forgotten.add(key);
  }

  /**
   * A write was refused for something the description promised: it is dropped when the changes are next
   * taken (the next run, or the next process), not by each of this run's later writes, which one refusal
   * per batch would make a read each.
   */
  doubt(key: string): void {
    this.doubted.add(key);
  }

  async takeChanges(): Promise<DescriptionChanges> {
    for (const key of this.doubted) {
      this.holder.drop(key);
      this.forget(key);
    }
    this.doubted.clear();
    const learned: KeptDescription[] = [];
    for (const key of this.changed) {
      const held = await this.holder.held(key);
      const learnedAt = this.readAt.get(key);
      if (held && learnedAt !== undefined) learned.push({ system: this.system, ...held, learnedAt });
    }
    const forgotten = [...this.forgotten];
    this.changed.clear();
    this.forgotten.clear();
    return { learned, forgotten };
  }
}
