// Whether the daemon is keeping up, judged one way for /healthz (what an orchestrator acts on) and for the
// ops console's status card (what an admin reads): the two must never disagree.
import type { DaemonState } from "./health-server.js";

export interface DaemonHealth {
  healthy: boolean;
  status: "ok" | "stalled" | "stale";
  /** One sentence saying why. */
  reason: string;
}

/**
 * A run in hand is judged by its progress, not by the last success: a first load longer than the window
 * is healthy while it reads and writes, and an orchestrator that restarted it would only start it again.
 * With none running, the last success (or the daemon's start) must be within the window.
 */
export function judgeHealth(state: DaemonState, now: Date): DaemonHealth {
  const window = state.unhealthyAfterMs;
  const ago = (at: Date) => Math.round((now.getTime() - at.getTime()) / 1000);
  if (state.running) {
    const since = state.lastProgressAt ?? state.startedAt;
    return now.getTime() - since.getTime() <= window
      ? { healthy: true, status: "ok", reason: `a run is in progress; its last progress was ${ago(since)} s ago` }
      : { healthy: false, status: "stalled", reason: `the run in progress has made no progress for ${ago(since)} s` };
  }
  const since = state.lastSuccessAt ?? state.startedAt;
  if (now.getTime() - since.getTime() <= window) {
    return {
      healthy: true,
      status: "ok",
      reason: state.lastSuccessAt
        ? `the last successful run finished ${ago(since)} s ago`
        : `the daemon started ${ago(since)} s ago; no run has succeeded yet`,
    };
  }
  return {
    healthy: false,
    status: "stale",
    reason: state.lastSuccessAt
      ? `no run has succeeded for ${ago(since)} s (the last run ${state.lastSummary?.status ?? "did not finish"})`
      : `no run has succeeded since the daemon started ${ago(since)} s ago`,
  };
}
