// The `leadloop` command's heap growth (src/cli/heap-growth.ts): a process that churns through pages of
// records, as a run does, peaks near its live set instead of several times it, and a user's own
// `--heap-growing-percent` is left in force. Each case runs the built bin/leadloop.js in a node process
// of its own (`npm run build` first), then the same churn after it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));

// About 50 MB held for the whole process (the run's live set), and pages of records that each live a
// while (40 pages) and then die, with a turn of the event loop now and then (a run awaits its calls):
// the shape of a run reading, deciding and writing group after group.
const CHURN = `
  const held = [];
  for (let i = 0; i < 400000; i++) held.push({ email: "élodie.martin" + i + "@exemple.fr", n: i });
  const pages = [];
  let peak = 0;
  for (let p = 0; p < 800; p++) {
    const page = [];
    for (let i = 0; i < 5000; i++) page.push({ id: "c" + p + "-" + i, n: [i, p] });
    pages.push(page);
    if (pages.length > 40) pages.shift();
    if (p % 5 === 0) {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const { heap_size_limit } = (await import("node:v8")).getHeapStatistics();
  console.log(JSON.stringify({ peakHeapMb: Math.round(peak / 1e6), limitMb: Math.round(heap_size_limit / 1e6), held: held.length }));
`;

/** Children run for seconds each on a busy machine; a jest timeout, not a limit the test asserts. */
const CHILDREN_TIMEOUT_MS = 240_000;

/** Runs `leadloop --version` through bin/leadloop.js (or not), then the churn, in one node process. */
function churn(options: { throughBin: boolean; nodeFlags?: string[] }): { peakHeapMb: number; limitMb: number } {
  const script = options.throughBin ? `await import(${JSON.stringify(BIN)});\n${CHURN}` : CHURN;
  // With -e, process.argv is [node, ...args]: "leadloop" stands where the script's path would be.
  const child = spawnSync(
    process.execPath,
    [...(options.nodeFlags ?? []), "--input-type=module", "-e", script, "leadloop", "--version"],
    { encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const lines = child.stdout.trim().split("\n");
  if (options.throughBin) expect(lines[0]).toMatch(/^\d+\.\d+\.\d+$/);
  return JSON.parse(lines[lines.length - 1]!) as { peakHeapMb: number; limitMb: number };
}

describe("the leadloop command's heap growth", () => {
  it("keeps a churning process's used heap near its live set, where node alone lets it reach several times it, without lowering node's heap limit", () => {
    const alone = churn({ throughBin: false });
    const leadloop = churn({ throughBin: true });
    // Node's default lets the old generation grow up to 4× what a full collection kept; leadloop's 1.5×.
    expect(leadloop.peakHeapMb).toBeLessThan(alone.peakHeapMb * 0.85);
    // A growth rate, not a cap: the heap may still reach node's own limit.
    expect(leadloop.limitMb).toBe(alone.limitMb);
  }, CHILDREN_TIMEOUT_MS);

  it("leaves a user's own --heap-growing-percent in force", () => {
    const leadloop = churn({ throughBin: true });
    const usersOwn = churn({ throughBin: true, nodeFlags: ["--heap-growing-percent=300"] });
    expect(usersOwn.peakHeapMb).toBeGreaterThan(leadloop.peakHeapMb * 1.2);
  }, CHILDREN_TIMEOUT_MS);
});
