import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Discovery, splitPattern } from "./discover.ts";
import { tempDir } from "./testing.ts";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe("splitPattern()", () => {
  test.each([
    ["/var/log/*.log", "/var/log", "app.log"],
    ["/var/log/app.log", "/var/log", "app.log"],
    ["/var/**/x/*.log", "/var", "log/x/app.log"],
    ["/var/log/{a,b}/*.log", "/var/log", "b/app.log"],
    ["/*.log", "/", "app.log"],
  ])("scans %s from its literal folder", (pattern, cwd, example) => {
    const root = splitPattern(pattern);
    expect(root.cwd).toBe(cwd);
    expect(root.glob.match(example)).toBe(true);
  });
});

describe("Discovery", () => {
  test("finds included files, follows symlinks, and leaves out excluded ones and folders", async () => {
    await mkdir(join(dir, "a", "sub.log"), { recursive: true });
    for (const f of ["a/x.log", "a/y.log", "a/y.log.gz", "a/z.txt"])
      await writeFile(join(dir, f), "");
    await symlink(join(dir, "a", "x.log"), join(dir, "a", "link.log"));
    const errors: string[] = [];
    const d = new Discovery([`${dir}/a/*.log*`], [`${dir}/**/*.gz`], (m) => errors.push(m));
    expect(await d.paths()).toEqual(["link.log", "x.log", "y.log"].map((f) => join(dir, "a", f)));
    const files = await d.files();
    expect(files[0].ino).toBe(files[1].ino);
    expect(errors).toEqual([]);
  });

  test("finds nothing, silently, under a folder that does not exist yet", async () => {
    const errors: string[] = [];
    const d = new Discovery([`${dir}/missing/*.log`], [], (m) => errors.push(m));
    expect(await d.files()).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe("Discovery of literal paths", () => {
  /** The tree every case runs over: a file, a link to it, a folder named like a log, a file used as a folder. */
  async function tree(): Promise<void> {
    await mkdir(join(dir, "a", "folder.log"), { recursive: true });
    await writeFile(join(dir, "a", "x.log"), "x\n");
    await writeFile(join(dir, "a", "b.log"), "b\n");
    await symlink(join(dir, "a", "x.log"), join(dir, "a", "link.log"));
  }

  test.each([
    ["a file", ["a/x.log"], []],
    ["a symlink to a file", ["a/link.log"], []],
    ["a missing file", ["a/missing.log"], []],
    ["a file under a missing folder", ["nowhere/x.log"], []],
    ["a file under a file", ["a/x.log/y.log"], []],
    ["a folder", ["a/folder.log"], []],
    ["an excluded file", ["a/x.log", "a/b.log"], ["**/b.log"]],
    ["a literal beside a glob selecting it too", ["a/x.log", "a/*.log"], []],
  ])("finds the same files for %s as listing its folder does", async (_, include, exclude) => {
    await tree();
    const run = async (literalPaths: boolean) => {
      const errors: string[] = [];
      const d = new Discovery(
        include.map((p) => `${dir}/${p}`),
        exclude.map((p) => `${dir}/${p}`),
        (m) => errors.push(m),
        { literalPaths },
      );
      return { files: await d.files(), errors };
    };
    const reference = await run(false);
    expect(await run(true)).toEqual(reference);
  });
});
