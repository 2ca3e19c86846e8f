/**
 * The integration packs' rule files beside Debian's promtool (Prometheus 2.42): each passes
 * `promtool check rules` with the same output as `outpost check`, and its unit tests pass
 * under `promtool test rules` as under `outpost rules test`.
 */
import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { PACKS, packDir } from "../../aggregator/packs/catalog.ts";
import { promtool, promtoolBinary } from "../harness/promtool.ts";

const root = resolve(import.meta.dir, "../..");

async function outpost(args: string[], cwd: string): Promise<{ code: number; stdout: string }> {
  const proc = Bun.spawn(["bun", join(root, "cli/outpost.ts"), ...args], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, stdout };
}

describe.skipIf(promtoolBinary() === null)("the integration packs beside promtool", () => {
  for (const pack of PACKS) {
    const dir = packDir(pack.name);
    test(`${pack.name}: promtool check rules and outpost check accept rules.yml alike`, async () => {
      const theirs = await promtool(["check", "rules", join(dir, "rules.yml")]);
      expect(theirs.exitCode).toBe(0);
      expect(theirs.stdout).toMatch(/SUCCESS: \d+ rules found/);
      expect(await outpost(["check", join(dir, "rules.yml")], dir)).toEqual({
        code: 0,
        stdout: theirs.stdout,
      });
    }, 30_000);

    test(`${pack.name}: rules.test.yml passes under promtool test rules and outpost rules test`, async () => {
      const file = join(dir, "rules.test.yml");
      const [theirs, mine] = await Promise.all([
        promtool(["test", "rules", file]),
        outpost(["rules", "test", file], dir),
      ]);
      expect({ promtool: theirs.exitCode, outpost: mine.code }).toEqual({
        promtool: 0,
        outpost: 0,
      });
    }, 30_000);
  }
});
