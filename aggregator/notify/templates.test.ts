import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateError } from "../template/errors.ts";
import { loadTemplateSet } from "./integrations/templates.ts";
import { templateFiles } from "./templates.ts";

describe("templateFiles()", () => {
  const dir = mkdtempSync(join(tmpdir(), "am-templates-"));
  writeFileSync(join(dir, "b.tmpl"), '{{ define "b" }}B{{ end }}');
  writeFileSync(join(dir, "a.tmpl"), '{{ define "a" }}A{{ end }}');
  mkdirSync(join(dir, "dir.tmpl"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("finds a file named by its path, without glob characters", async () => {
    expect(await templateFiles([join(dir, "b.tmpl")])).toEqual([join(dir, "b.tmpl")]);
  });

  test("keeps the globs' order, each glob's files in byte order, each file once", async () => {
    const files = await templateFiles([join(dir, "b.tmpl"), join(dir, "[ab].tmpl")]);
    expect(files).toEqual([join(dir, "b.tmpl"), join(dir, "a.tmpl")]);
  });

  test("reading a directory a glob matches fails with Go's words, as amtool reports it", async () => {
    const error = await loadTemplateSet([join(dir, "*.tmpl")]).catch((e) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toBe(`read ${join(dir, "dir.tmpl")}: is a directory`);
  });

  test("a malformed glob fails as a template problem, as amtool reports it", async () => {
    const error = await loadTemplateSet([join(dir, "[")]).catch((e) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toBe("syntax error in pattern");
  });
});
