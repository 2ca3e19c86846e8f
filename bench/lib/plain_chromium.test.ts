import { afterAll, beforeAll, expect, test } from "bun:test";
import { launchPlainChromium, type PlainChromium } from "./plain_chromium.ts";

let browser: PlainChromium;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) =>
    new Response(
      new URL(req.url).pathname === "/set"
        ? "<title>t</title><script>document.cookie = 'seen=1'</script>"
        : "<script>document.title = document.cookie || 'none'</script>",
      { headers: { "content-type": "text/html" } },
    ),
});
const url = `http://127.0.0.1:${server.port}/`;

beforeAll(async () => {
  browser = await launchPlainChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  server.stop(true);
});

async function loaded(tab: Awaited<ReturnType<PlainChromium["newTab"]>>) {
  while ((await tab.evaluate("document.readyState")) !== "complete") await Bun.sleep(20);
}

test("a plain tab has the asked viewport and evaluates in the page", async () => {
  const tab = await browser.newTab({ width: 1440, height: 900 });
  await tab.navigate(`${url}set`);
  await loaded(tab);
  expect(await tab.evaluate("[innerWidth, innerHeight, document.title]")).toEqual([1440, 900, "t"]);
  await expect(tab.evaluate("nope(")).rejects.toThrow("Cannot evaluate");
  await tab.close();
}, 30_000);

test("a fresh context shares nothing with the default one, as a cold load needs", async () => {
  const tabs = [];
  for (const fresh of [false, false, true]) {
    const tab = await browser.newTab({ width: 800, height: 600 }, fresh);
    await tab.navigate(tabs.length === 0 ? `${url}set` : url);
    await loaded(tab);
    tabs.push(tab);
  }
  expect(await tabs[1].evaluate("document.title")).toBe("seen=1");
  expect(await tabs[2].evaluate("document.title")).toBe("none");
  for (const tab of tabs) await tab.close();
}, 30_000);
