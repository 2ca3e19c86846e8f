/**
 * The notifier's config and routing beside Debian's amtool (Alertmanager 0.25): every
 * fixture in aggregator/notify/config/testdata is accepted or refused by both, the routing
 * fixture sends each label set below to the same receivers in the same order (with and
 * without `--tree`), and `outpost notify routes` draws the same tree as `amtool config routes`.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { ConfigError } from "../../shared/config/errors.ts";

const root = resolve(import.meta.dir, "../..");
const testdata = join(root, "aggregator/notify/config/testdata");
const AMTOOL = "/usr/bin/amtool";
if (!existsSync(AMTOOL))
  throw new Error("amtool is missing: run make test-deps (prometheus-alertmanager)");

const fixtures = readdirSync(testdata)
  .filter((f) => f.endsWith(".yml"))
  .sort();

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", cwd: testdata });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

const outpost = (...args: string[]) => run(["bun", join(root, "cli/outpost.ts"), ...args]);

function outpostAccepts(file: string): string | true {
  try {
    parseAlertmanagerConfig(require("node:fs").readFileSync(join(testdata, file), "utf8"), file);
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe("outpost check and amtool check-config", () => {
  test("there are good and bad fixtures", () => {
    expect(fixtures.filter((f) => f.endsWith(".good.yml")).length).toBeGreaterThanOrEqual(5);
    expect(fixtures.filter((f) => f.endsWith(".bad.yml")).length).toBeGreaterThanOrEqual(30);
  });

  test.each(fixtures)("%s: both accept or both refuse", async (file) => {
    const amtool = await run([AMTOOL, "check-config", file]);
    const ours = outpostAccepts(file);
    expect({ file, accepted: ours === true, why: ours }).toMatchObject({
      accepted: amtool.code === 0,
    });
    expect(ours === true).toBe(file.endsWith(".good.yml"));
  });

  test("outpost check prints what amtool check-config finds", async () => {
    const [ours, theirs] = await Promise.all([
      outpost("check", "full.good.yml"),
      run([AMTOOL, "check-config", "full.good.yml"]),
    ]);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  test("outpost check names the file, line and field of a bad file", async () => {
    const [ours, theirs] = await Promise.all([
      outpost("check", "unknown-field.bad.yml"),
      run([AMTOOL, "check-config", "unknown-field.bad.yml"]),
    ]);
    expect(ours.code).toBe(1);
    // The verdict on stdout, as amtool writes it; Outpost's names the line as well.
    expect(theirs.stdout).toStartWith("Checking 'unknown-field.bad.yml'  FAILED: ");
    expect(ours.stdout).toContain("unknown-field.bad.yml:3:3: route: field foo not found in route");
  });
});

// Label sets written as amtool takes them; each reaches the routing fixture's tree.
const labelSets: string[][] = [
  ["alertname=X"],
  ["severity=critical"],
  ["severity=critical", "team=db"],
  ["severity=critical", "team=web"],
  ["severity=critical", "team=api"],
  ["severity=critical", "team=webshop"],
  ["severity=critical", "team=web", "service=files"],
  ["severity=critical", "service=files"],
  ["severity=warning", "service=files"],
  ["service=files", "env=prod"],
  ["service=files", "env=dev"],
  ["service=foo1"],
  ["service=foo2", "owner=team-x"],
  ["service=baz", "owner=team-x", "region=eu-west"],
  ["service=baz", "owner=team-x", "region=us-east"],
  ["service=foo3", "owner=team-x"],
  ["alertname=Watchdog"],
  ["alertname=DeadMansSwitch", "env=prod"],
  ["alertname=Watchdogs"],
  ["env=prod"],
  ["env=prod", "region=eu"],
  ["env=staging"],
  ["env=staging", "region=us"],
  ["env=prod", "severity=critical", "team=db"],
  ["env=prod", "service=files"],
  ["env=prod", "service=foo1", "owner=team-x"],
  ["severity=critical", "team=web", "env=prod"],
  ["severity=critical", "alertname=Watchdog"],
  ['team="web"', "severity=critical"],
  ["severity=critical", "team=Web"],
  ["service=FILES"],
  ["env=production"],
  ["owner=team-x", "region=us"],
  [],
];

describe("outpost notify routes test and amtool config routes test", () => {
  test.each(labelSets.map((l) => [l.join(" ") || "(no labels)", l]))(
    "%s goes to the same receivers",
    async (_, labels) => {
      const args = ["routes", "test", "--config.file=routing.good.yml", ...(labels as string[])];
      const [theirs, ours] = await Promise.all([
        run([AMTOOL, "config", ...args]),
        outpost(
          "notify",
          "routes",
          "test",
          "--config",
          "routing.good.yml",
          ...(labels as string[]),
        ),
      ]);
      expect(theirs.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      const [treeTheirs, treeOurs] = await Promise.all([
        run([AMTOOL, "config", ...args, "--tree"]),
        outpost(
          "notify",
          "routes",
          "test",
          "--tree",
          "--config",
          "routing.good.yml",
          ...(labels as string[]),
        ),
      ]);
      expect(treeOurs.stdout).toBe(treeTheirs.stdout);
    },
  );

  test.each(["severity!=critical", "team=~db", "team!~db.*", "severity"])(
    "a label given as %s is refused as amtool refuses it, not taken as an equality",
    async (label) => {
      const args = ["--config", "routing.good.yml", label];
      const [theirs, ours] = await Promise.all([
        run([AMTOOL, "config", "routes", "test", "--config.file=routing.good.yml", label]),
        outpost("notify", "routes", "test", ...args),
      ]);
      expect(theirs.code).not.toBe(0);
      expect(theirs.stderr).toContain("Failed to parse labels");
      expect(ours.code).toBe(2);
      expect(ours.stdout).toBe("");
      expect(ours.stderr).toContain("Cannot parse labels:");
    },
  );

  test.each(fixtures.filter((f) => f.endsWith(".good.yml")))(
    "outpost notify routes draws %s as amtool config routes does",
    async (file) => {
      const [theirs, ours] = await Promise.all([
        run([AMTOOL, "config", "routes", `--config.file=${file}`]),
        outpost("notify", "routes", "--config", file),
      ]);
      expect(ours.stdout).toBe(theirs.stdout);
    },
  );
});

describe("template files, as amtool check-config parses them", () => {
  const dir = join(testdata, "templates");
  test.each(["good.yml", "bad.yml"])(
    "%s: outpost check prints what amtool prints",
    async (file) => {
      const inDir = async (argv: string[]) => {
        const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore", cwd: dir });
        const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
        return { stdout, code };
      };
      const amtool = await inDir([AMTOOL, "check-config", file]);
      const ours = await inDir(["bun", join(root, "cli/outpost.ts"), "check", file]);
      expect(ours).toEqual(amtool);
      expect(amtool.code).toBe(file === "good.yml" ? 0 : 1);
    },
  );
});
