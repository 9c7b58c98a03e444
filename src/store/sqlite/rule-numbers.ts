// A decision's rule as the audit and the outbox number it (migration 44): minus the id of the text piece
// holding it whole (text-pieces.ts), which goes with the audit's retention once no write uses it and no
// outbox write names it. Rules quote a person's own values ("score: 84.7 points (demo-request, …)",
// "deal 006… is associated with contact 003…"), so as names, never deleted, they grew the store with every
// rescore. A positive number is a name's (names.ts), as rows written before migration 44 hold it.
import type { NameTable } from "./names.js";
import { type PieceTexts, pieceText, type TextPieceTable } from "./text-pieces.js";

/** The rule's number, its piece used by audit write `writeId` (or the outbox: TextPieceTable.stored). */
export function ruleNumber(pieces: TextPieceTable, rule: string, writeId: number, addedUse = writeId): number {
  return -pieces.wholePiece(rule, writeId, addedUse);
}

/** The id of the piece a rule's number names, for TextPieceTable.piecesOf to read; null for a name's. */
export function rulePiece(rule: number): number | null {
  return rule < 0 ? -rule : null;
}

/** The rule a number names, its piece taken from `pieces` (read for `rulePiece`). */
export function ruleText(rule: number, names: NameTable, pieces: PieceTexts): string {
  return rule > 0 ? names.nameOf(rule) : pieceText(-rule, pieces);
}
