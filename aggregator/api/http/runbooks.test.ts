import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRuleFiles } from "../../rules/load.ts";
import { anchor, markdownHtml, runbooksApp } from "./runbooks.ts";

const app = runbooksApp();

describe("runbooksApp()", () => {
  test("serves a section with the anchor of every alert of the default and integration packs", async () => {
    const pages = new Map<string, string>();
    for (const route of ["/runbooks", "/runbooks/integrations"]) {
      const res = await app.request(route);
      expect([res.status, res.headers.get("content-type")]).toEqual([
        200,
        "text/html; charset=utf-8",
      ]);
      pages.set(route, await res.text());
    }
    const dir = join(import.meta.dir, "../..");
    const globs = ["rules/pack/outpost-default.rules.yml", "packs/*/rules.yml"];
    const { groups, problems } = await loadRuleFiles(globs, dir);
    expect(problems).toEqual([]);
    const links = groups
      .flatMap((g) => g.rules)
      .flatMap((r) => (r.type === "alerting" ? (r.annotations.runbook_url ?? []) : []));
    expect(links.length).toBeGreaterThan(30);
    for (const link of links) {
      const [route, id] = link.replace("{{ $externalURL }}", "").split("#");
      expect(pages.get(route!) ?? "").toContain(`id="${id}"`);
    }
  });
});

describe("markdownHtml()", () => {
  test("escapes everything, then marks up headings, tables, code, bold and http links only", () => {
    const html = markdownHtml(
      [
        "## Node <b>Down</b>",
        "",
        "**Meaning.** `a < b` & [docs](https://x.example/a) [bad](javascript:alert(1))",
        "",
        "| a | b |",
        "|---|---|",
        "| `x` | y |",
      ].join("\n"),
    );
    expect(html).toBe(
      [
        '<h2 id="node-bdownb">Node &lt;b&gt;Down&lt;/b&gt;</h2>',
        '<p><strong>Meaning.</strong> <code>a &lt; b</code> &amp; <a href="https://x.example/a">docs</a> <a href="#">bad</a>)</p>',
        "<table><tr><th>a</th><th>b</th></tr><tr><td><code>x</code></td><td>y</td></tr></table>",
        "",
      ].join("\n"),
    );
  });

  test("anchors headings as GitHub does", () => {
    expect(anchor("TargetDown")).toBe("targetdown");
    expect(anchor("Host (node_exporter's)")).toBe("host-node_exporters");
  });
});
