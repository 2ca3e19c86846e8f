import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UI_ROUTES } from "../../auth/access.ts";
import { uiApp } from "./ui.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-ui-assets-"));
mkdirSync(join(dir, "assets"));
writeFileSync(join(dir, "index.html"), "<!doctype html><title>Outpost</title>");
writeFileSync(join(dir, "assets", "main-abc.js"), "console.log(1)");
writeFileSync(join(dir, "secret.txt"), "not an asset");
const app = uiApp(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("uiApp() answers index.html, never cached, at / and every client route", async () => {
  for (const path of ["/", ...UI_ROUTES, "/d/abc", "/d/abc/node-exporter-full"]) {
    const r = await app.request(`${path}?q=up`);
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toContain("text/html");
    expect(r.headers.get("Cache-Control")).toBe("no-cache");
    expect(await r.text()).toContain("<title>Outpost</title>");
  }
});

test("uiApp() serves hashed assets cached for a year with their content type", async () => {
  const r = await app.request("/assets/main-abc.js");
  expect(r.status).toBe(200);
  expect(r.headers.get("Cache-Control")).toContain("immutable");
  expect(r.headers.get("Content-Type")).toContain("javascript");
});

test("uiApp() answers 404 for a missing asset, a path out of assets/, and an unknown route", async () => {
  expect((await app.request("/assets/nope.js")).status).toBe(404);
  expect((await app.request("/assets/../secret.txt")).status).toBe(404);
  expect((await app.request("/assets/%2e%2e/secret.txt")).status).toBe(404);
  expect((await app.request("/assets/%00")).status).toBe(404);
  expect((await app.request("/assets/a%00.js")).status).toBe(404);
  expect((await app.request("/settings")).status).toBe(404);
  expect((await app.request("/d/a/b/c")).status).toBe(404);
  expect(await (await app.request("/settings")).text()).not.toContain("<title>");
});

test("uiApp() answers a browser's navigation to no page with the app, and status 404", async () => {
  const html = { headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } };
  for (const path of ["/nonexistent", "/explore/foo", "/d/"]) {
    const r = await app.request(path, html);
    expect(r.status).toBe(404);
    expect(r.headers.get("Content-Type")).toContain("text/html");
    expect(await r.text()).toContain("<title>Outpost</title>");
  }
});

test("uiApp() says how to build the UI when the bundle is missing", async () => {
  const r = await uiApp(join(dir, "nowhere")).request("/explore");
  expect(r.status).toBe(404);
  expect(await r.text()).toContain("make ui");
});

test("uiApp() sends Prometheus's graph links (an alert's generatorURL) to Explore", async () => {
  const app = uiApp(dir);
  const res = await app.request("/graph?g0.expr=up%7Bjob%3D%22a%22%7D%20%3D%3D%200&g0.tab=1");
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe(
    `/explore?q=${encodeURIComponent('up{job="a"} == 0')}&tab=table`,
  );
  const graph = await app.request("/graph?g0.expr=up");
  expect(graph.headers.get("location")).toBe("/explore?q=up&tab=graph");
});
