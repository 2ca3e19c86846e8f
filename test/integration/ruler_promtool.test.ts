/**
 * The ruler API's upload check against `promtool check rules` (Debian's promtool, Prometheus
 * 2.42) on the same groups: each group is uploaded as the body Mimir's API takes and written
 * as a one-group rule file for promtool. Both must accept or refuse it, and a refusal must say
 * what promtool says (Outpost adds the namespace, line and column before it).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rulerSchema } from "../../aggregator/ruler/config.ts";
import { checkUpload, UploadRefused } from "../../aggregator/ruler/upload.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-ruler-promtool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = rulerSchema.parse({});

/**
 * Groups as uploaded. Whether promtool accepts or refuses must agree for all, and the words of
 * a refusal for all but WORDED_OTHERWISE: a braced record name (Outpost says what Prometheus 3
 * says), and shape problems promtool 2.42 reports from Go's YAML decoder without the group and
 * rule (Outpost names them, as for every other problem).
 */
const GROUPS: [string, string][] = [
  ["an alerting group", "name: a\nrules:\n  - alert: Up\n    expr: up == 0\n    for: 5m\n"],
  [
    "a recording group",
    "name: r\ninterval: 30s\nrules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n",
  ],
  ["a bad expression", "name: a\nrules:\n  - alert: Up\n    expr: up ==\n"],
  ["a type error", "name: a\nrules:\n  - record: r\n    expr: '\"text\"'\n"],
  ["a rule of neither kind", "name: a\nrules:\n  - expr: up\n"],
  ["a rule of both kinds", "name: a\nrules:\n  - alert: A\n    record: r\n    expr: up\n"],
  ["a missing expression", "name: a\nrules:\n  - alert: A\n"],
  ["for on a recording rule", "name: a\nrules:\n  - record: r\n    expr: up\n    for: 1m\n"],
  [
    "annotations on a recording rule",
    "name: a\nrules:\n  - record: r\n    expr: up\n    annotations: {x: y}\n",
  ],
  ["a record name with braces", "name: a\nrules:\n  - record: 'r{a=\"b\"}'\n    expr: up\n"],
  [
    "a reserved label name",
    "name: a\nrules:\n  - alert: A\n    expr: up\n    labels: {__name__: x}\n",
  ],
  [
    "a bad template",
    "name: a\nrules:\n  - alert: A\n    expr: up\n    annotations: {s: '{{ .Foo '}\n",
  ],
  ["an unknown rule field", "name: a\nrules:\n  - alert: A\n    expr: up\n    severity: page\n"],
  ["a bad duration", "name: a\nrules:\n  - alert: A\n    expr: up\n    for: 5 minutes\n"],
  ["no group name", "rules:\n  - alert: A\n    expr: up\n"],
];

const WORDED_OTHERWISE = new Set([
  "a record name with braces",
  "an unknown rule field",
  "a bad duration",
]);

/** The group as a one-group rule file. */
function asFile(group: string): string {
  const lines = group.trimEnd().split("\n");
  return `groups:\n${lines.map((l, i) => `${i === 0 ? "  - " : "    "}${l}`).join("\n")}\n`;
}

describe.skipIf(promtoolBinary() === null)("an upload is checked as promtool checks", () => {
  test.each(GROUPS)("%s", async (name, group) => {
    const file = join(dir, `${name.replaceAll(" ", "-")}.yml`);
    writeFileSync(file, asFile(group));
    const theirs = await promtool(["check", "rules", file]);
    let ours = "";
    try {
      checkUpload("ns", group, config, () => 0);
    } catch (err) {
      if (!(err instanceof UploadRefused)) throw err;
      ours = err.message;
    }
    expect([name, ours === ""]).toEqual([name, theirs.exitCode === 0]);
    if (ours === "") return;
    expect(ours).toMatch(/^Cannot store rule group: ns:\d+:\d+: /);
    if (WORDED_OTHERWISE.has(name)) return;
    // Each problem as promtool words it, without Outpost's `ns:line:column: ` before it.
    for (const problem of ours.replace(/^Cannot store rule group: /, "").split("; ")) {
      const reason = problem.replace(/^ns:\d+:\d+: /, "");
      expect(theirs.stdout + theirs.stderr).toContain(reason);
    }
  });
});
