// How the console writes times, durations and counts: UTC to the minute (as `leadloop sla` does), ages in
// the largest unit that reads naturally, numbers with thousands separators.
import { html, type Html } from "./html.js";

export function minute(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")}Z` : "—";
}

/** 42 s, 7 min, 3 h 5 min, 2 d 4 h. */
export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A time with how long ago (or how far ahead) it is, for a person scanning the page. */
export function when(iso: string | null | undefined, now: Date): Html {
  if (!iso) return html`<span class="muted">never</span>`;
  const delta = now.getTime() - Date.parse(iso);
  const relative = delta >= 0 ? `${duration(delta)} ago` : `in ${duration(-delta)}`;
  return html`<time datetime="${iso}" title="${iso}">${minute(iso)}</time> <span class="muted">(${relative})</span>`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `hubspot 12 · salesforce 40` from per-system counts, leaving out zeros. */
export function perSystem(counts: Record<string, number> | undefined): string {
  const parts = Object.entries(counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([system, n]) => `${system} ${count(n)}`);
  return parts.length > 0 ? parts.join(" · ") : "0";
}
