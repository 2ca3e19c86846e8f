/**
 * Debian's amtool (0.25) against Outpost's silence routes and against a real Alertmanager
 * 0.25, command for command: `silence add`, `query` (table, JSON, extended, filters, quiet,
 * expired), `update`, `import`, `expire`, and the refusals. Exit codes, stdout and stderr must
 * be the same once ids and times are replaced by placeholders.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryKeyValueStore } from "../../aggregator/ingest/kv_memory.ts";
import { SilenceStore } from "../../aggregator/notify/silences/store.ts";
import {
  ALERTMANAGER,
  AMTOOL,
  amtool,
  type RunningAlertmanager,
  startAlertmanager,
} from "../harness/alertmanager.ts";
import { type SilenceServerHandle, startSilenceServer } from "../harness/silence_server.ts";

if (!existsSync(AMTOOL) || !existsSync(ALERTMANAGER)) {
  throw new Error(
    "amtool or Alertmanager is missing: run make test-deps (prometheus-alertmanager)",
  );
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

/** One step's result, with ids numbered by first appearance and times as placeholders. */
interface Step {
  step: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** The same commands against one server. */
async function scenario(url: string, dir: string): Promise<Step[]> {
  const ids = new Map<string, string>([[UNKNOWN, "<unknown>"]]);
  const norm = (s: string) =>
    s
      .replace(UUID, (id) => {
        if (!ids.has(id)) ids.set(id, `<id${ids.size}>`);
        return ids.get(id) as string;
      })
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>")
      .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, "<time>")
      // amtool compares its version with /api/v2/status's; Outpost's is its own.
      .replace(
        /^Warning: amtool version \(0\.25\.0\) and alertmanager version \(outpost\) are different\.\n/gm,
        "",
      );
  const steps: Step[] = [];
  const run = async (step: string, ...args: string[]) => {
    const r = await amtool(url, args, dir);
    steps.push({ step, code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) });
    return r;
  };
  const a = (
    await run(
      "add",
      "silence",
      "add",
      "alertname=X",
      'severity=~"crit.*"',
      "-c",
      "comment",
      "-a",
      "author",
      "-d",
      "1h",
    )
  ).stdout.trim();
  await run("add second", "silence", "add", "alertname=Y", "-c", "c2", "-a", "author", "-d", "2h");
  await run("query", "silence", "query");
  const json = await run("query json", "silence", "query", "-o", "json");
  await run("query extended", "silence", "query", "-o", "extended");
  await run("query filter", "silence", "query", "alertname=X");
  await run("query regex filter", "silence", "query", "-q", 'severity=~"crit.*"');
  await run("query filter no match", "silence", "query", "severity=crit");
  await run("query bad filter", "silence", "query", "a-b=x");
  await run("update comment", "silence", "update", a, "-c", "new comment");
  await run("update no id", "silence", "update");
  await writeFile(join(dir, "export.json"), json.stdout);
  await run("import", "silence", "import", "export.json");
  // amtool imports with parallel workers: the ids come in the order the answers do.
  const imported = steps[steps.length - 1];
  imported.stdout = `${imported.stdout.trim().split("\n").sort().join("\n")}\n`;
  await run("expire", "silence", "expire", a);
  await run("expire again", "silence", "expire", a);
  await run("query expired", "silence", "query", "--expired");
  await run("expire not uuid", "silence", "expire", "nope");
  await run("add empty-matching", "silence", "add", "foo=", "-c", "c");
  await run(
    "add past end",
    "silence",
    "add",
    "alertname=Z",
    "-c",
    "c",
    "--start=2001-01-01T00:00:00Z",
    "--end=2001-01-02T00:00:00Z",
  );
  await run("add no comment", "silence", "add", "alertname=Z");
  await run("expire unknown", "silence", "expire", UNKNOWN);
  return steps;
}

let dir: string;
let am: RunningAlertmanager;
let ours: SilenceServerHandle;
let store: SilenceStore;
let reference: Step[];
let outpost: Step[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "outpost-amtool-"));
  am = await startAlertmanager();
  store = new SilenceStore({ kv: new MemoryKeyValueStore() });
  await store.start();
  ours = await startSilenceServer(store);
  reference = await scenario(am.url, dir);
  outpost = await scenario(ours.url, dir);
}, 60_000);

afterAll(async () => {
  ours?.stop();
  store?.stop();
  await am?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("amtool silence against Outpost and Alertmanager 0.25", () => {
  test("every command gives the same exit code, stdout and stderr", () => {
    // Expiring an unknown id: 0.25 answers 500, Outpost the 404 its API declares (both exit 1).
    const comparable = (steps: Step[]) =>
      steps.map((s) => (s.step === "expire unknown" ? { ...s, stderr: "" } : s));
    expect(comparable(outpost)).toEqual(comparable(reference));
  });

  test("the steps do what they say: ids are kept by update and import, refusals exit 1", () => {
    const byStep = Object.fromEntries(outpost.map((s) => [s.step, s]));
    expect(byStep.add.stdout).toBe("<id1>\n");
    expect(byStep["update comment"].stdout).toMatch(/^<id1> .*new comment/m);
    expect(byStep.import.stdout).toBe("<id1>\n<id2>\n");
    for (const s of [
      "add empty-matching",
      "add past end",
      "add no comment",
      "expire unknown",
      "expire not uuid",
    ]) {
      expect({ s, code: byStep[s].code }).toEqual({ s, code: 1 });
    }
  });

  test("amtool's silence commands call the silence endpoints and the status (for its version check)", () => {
    const paths = new Set(
      ours.requests.map((r) => r.replace(UUID, "{id}").replace(/silence\/nope$/, "silence/{id}")),
    );
    expect([...paths].sort()).toEqual([
      "DELETE /api/v2/silence/{id}",
      "GET /api/v2/silence/{id}",
      "GET /api/v2/silences",
      "GET /api/v2/status",
      "POST /api/v2/silences",
    ]);
  });
});
