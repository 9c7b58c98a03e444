// How long each call keeps being retried by a command an admin waits on at a terminal (explain, route, a
// digest it only prints, requalify's writes): 30 s at most, where sync.retryPatience waits out minutes of
// an outage with nothing printed. compose.ts's `wire` takes the shorter of the two.

/** The command's own patience, named in a stopped call's message when it is the shorter. */
export function answerPatience(command: string): { ms: number; name: string } {
  return { ms: 30_000, name: `${command}'s own, shorter than sync.retryPatience` };
}
