import { describe, expect, test } from "bun:test";
import { registerMethods } from "./methods.ts";
import { parseTemplate } from "./template.ts";
import { declareType, GoMap, GoString, typed, type Value } from "./values.ts";

declareType("test.Set", "map[string]string");
registerMethods("test.Set", {
  Keys: { params: [], fn: (m) => typed([...(m as GoMap).keys()] as string[], "[]string") },
  Has: { params: ["string"], fn: (m, k) => (m as GoMap).has(k as string) },
});

const set = new GoMap(
  [
    ["b", "2"],
    ["Keys", "shadowed"],
  ],
  "test.Set",
);

async function run(text: string, data: Value, html = false): Promise<string> {
  return parseTemplate("x", text, { missingKey: "zero" }).execute(data, "x", { html });
}

describe("methods of named types", () => {
  test.each([
    ["{{ .b }}", "2"],
    ["{{ .missing }}|", "|"],
    ['{{ index . "b" }}', "2"],
    ["{{ .Keys }}", "[b Keys]"],
    ['{{ .Has "b" }} {{ .Has "c" }}', "true false"],
    ["{{ len .Keys }}", "2"],
    ['{{ printf "%v" . }}', "map[Keys:shadowed b:2]"],
  ])("%s on a declared map type gives %j", async (text, out) => {
    expect(await run(text, set)).toBe(out);
  });

  test("a method with the wrong number of arguments fails as Go fails", async () => {
    await expect(run("{{ .Has }}", set)).rejects.toThrow(
      "wrong number of args for Has: want 1 got 0",
    );
  });
});

describe("execute with html", () => {
  test("escapes every action's output as html/template escapes HTML text", async () => {
    expect(await run("<b>{{ . }}</b>", `<a href='x'>"1+1" & more</a>`, true)).toBe(
      "<b>&lt;a href=&#39;x&#39;&gt;&#34;1&#43;1&#34; &amp; more&lt;/a&gt;</b>",
    );
  });
  test("leaves template.HTML values as they are", async () => {
    expect(await run("{{ . }}", new GoString("template.HTML", "<i>x</i>"), true)).toBe("<i>x</i>");
  });
  test("leaves text alone without the option", async () => {
    expect(await run("{{ . }}", "<&>")).toBe("<&>");
  });
});

test("clone() keeps the original set as it was", async () => {
  const base = parseTemplate("", '{{ define "t" }}base{{ end }}');
  const copy = base.clone().parse("", '{{ define "t" }}copy{{ end }}{{ template "t" }}');
  expect(await copy.execute(null, "")).toBe("copy");
  expect(await base.execute(null, "t")).toBe("base");
});
