import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProblem } from "../../shared/config/errors.ts";
import { loadProbeSlos, loadSloFiles } from "./load.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-slo-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadSloFiles()", () => {
  test("loads every spec a glob finds and reports a bad one with its line, keeping the others", async () => {
    writeFileSync(
      join(dir, "a.yml"),
      await Bun.file(join(import.meta.dir, "testdata/sloth/raw-home-wifi.yml")).text(),
    );
    writeFileSync(
      join(dir, "b.yml"),
      "version: prometheus/v1\nservice: svc\nslos:\n  - name: x1\n    objective: 120\n",
    );
    const loaded = await loadSloFiles(["*.yml"], dir);
    expect(loaded.files.map((f) => [f.file, f.groups.length])).toEqual([
      [join(dir, "a.yml"), 3],
      [join(dir, "b.yml"), 0],
    ]);
    expect(loaded.groups.map((g) => g.name)[0]).toBe(
      "sloth-slo-sli-recordings-home-wifi-wifi-client-satisfaction",
    );
    expect(loaded.problems.map(formatProblem)).toContain(
      `${join(dir, "b.yml")}:5:16: slos[0].objective: Cannot generate SLO: objective must be in (0, 100]`,
    );
  });
});

describe("loadProbeSlos()", () => {
  test("turns each probe line into the three groups of an SLO", () => {
    const loaded = loadProbeSlos([
      { probe: "https://example.com", objective: 99.9 },
      { job: "dns", objective: 99 },
    ]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.groups.map((g) => g.name)).toEqual([
      "sloth-slo-sli-recordings-probe-example.com",
      "sloth-slo-meta-recordings-probe-example.com",
      "sloth-slo-alerts-probe-example.com",
      "sloth-slo-sli-recordings-probe-dns",
      "sloth-slo-meta-recordings-probe-dns",
      "sloth-slo-alerts-probe-dns",
    ]);
    expect(loaded.groups[0]!.file).toBe("slo_probes[0]");
  });

  test("refuses a second probe SLO of the same name, and keeps the first", () => {
    const loaded = loadProbeSlos([
      { probe: "https://example.com", objective: 99.9 },
      { probe: "http://example.com", objective: 99 },
      { probe: "http://example.com", objective: 99, name: "example-http" },
    ]);
    expect(loaded.problems.map((p) => `${p.file}: ${p.reason}`)).toEqual([
      `slo_probes[1]: Cannot generate probe SLO: its name "example.com" is slo_probes[0]'s too; set a name on one of them`,
    ]);
    expect(loaded.groups.map((g) => g.file)).toEqual([
      ...Array(3).fill("slo_probes[0]"),
      ...Array(3).fill("slo_probes[2]"),
    ]);
  });
});
