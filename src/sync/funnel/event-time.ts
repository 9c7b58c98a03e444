// When a funnel move happened, for the funnel's order: the CRM's stamp, kept to the second, but never
// before the person's latest event, which leadloop stamped to the millisecond and may fall later within
// that same second (a handoff, then a verdict or a conversion read in the same second).
export function notBefore(at: string, latest: string | undefined): string {
  return latest !== undefined && latest > at ? latest : at;
}
