/**
 * The Uptime page in headless Chromium against an in-process aggregator fed by real agents, as
 * test/integration/connect_uptime.test.ts feeds it: one agent probes a local HTTP server that the
 * test turns off for 3 s and an HTTPS server on an openssl certificate, then stops (its series
 * go stale: unknown); a second agent keeps probing a closed port (down). The page's states and
 * SLAs equal what UptimeService.ListTargets answers, the down target comes first, and the
 * detail shows the outage as GetTarget's one down interval. Screenshots of both themes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, Page } from "playwright-core";
import { stringify } from "yaml";
import type { Agent } from "../../agent/agent.ts";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { UptimeService } from "../../proto/gen/outpost/uptime/v1/uptime_pb.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { formatSla, LIST_WINDOWS_MS, stateName } from "../../ui/lib/uptime.ts";
import { startTestAgent } from "../harness/agent.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import { connectTo, waitForAllAcked } from "../harness/ingest.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const dir = mkdtempSync(join(tmpdir(), "outpost-ui-uptime-"));
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");
let nats: NatsServerHandle;
let aggregator: Aggregator;
const agents: Agent[] = [];
let https: ReturnType<typeof Bun.serve>;
let web: ReturnType<typeof Bun.serve> | undefined;
let webUrl: string;
let deadUrl: string;
let browser: Browser;
let uptime: Client<typeof UptimeService>;

const serveWeb = (port = 0) =>
  Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("ok") });

/** An agent probing `jobs` ([job, module, target]) every 500 ms. */
function startProber(id: string, jobs: [string, string, string][]): Promise<Agent> {
  const config = {
    agent: { id, http_listen: "127.0.0.1:0" },
    nats: { url: nats.url },
    batch: { max_wait: "200ms" },
    spool: { dir: join(dir, `spool-${id}`) },
    probes: {
      modules: {
        http_2xx: { prober: "http", timeout: "400ms" },
        https_insecure: {
          prober: "http",
          timeout: "400ms",
          http: { tls_config: { insecure_skip_verify: true } },
        },
      },
      jobs: jobs.map(([name, module, target]) => ({
        job_name: name,
        module,
        interval: "500ms",
        targets: [target],
      })),
    },
  };
  return startTestAgent(stringify(config), dir);
}

beforeAll(async () => {
  const build = buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  execFileSync("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "10"],
    ...["-keyout", key, "-out", cert, "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
  ]);
  https = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: Bun.file(cert), key: Bun.file(key) },
    fetch: () => new Response("secure"),
  });
  web = serveWeb();
  const webPort = web.port as number;
  webUrl = `http://127.0.0.1:${webPort}/`;
  const closed = serveWeb();
  deadUrl = `http://127.0.0.1:${closed.port}/`;
  closed.stop(true);
  nats = await startNatsServer();
  aggregator = await startInProcessAggregator(dir, nats.url, "");
  const first = await startProber("uptime-a", [
    ["web", "http_2xx", webUrl],
    ["secure", "https_insecure", `https://127.0.0.1:${https.port}/`],
  ]);
  agents.push(first, await startProber("uptime-b", [["dead", "http_2xx", deadUrl]]));
  // Up for 3 s, off for 3 s, up again for 3 s; then the first agent stops.
  await Bun.sleep(3000);
  web.stop(true);
  await Bun.sleep(3000);
  web = serveWeb(webPort);
  await Bun.sleep(3000);
  await first.stop();
  agents.shift();
  const nc = await connectTo(nats.url);
  await waitForAllAcked(nc);
  await nc.close();
  uptime = createClient(UptimeService, createConnectTransport({ baseUrl: aggregator.url }));
  await build;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const a of agents) await a.stop();
  await aggregator?.stop();
  await nats?.dispose();
  web?.stop(true);
  https?.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

/** A page of the size the screenshots are taken at, in `scheme`, failing fast. */
async function newPage(scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.emulateMedia({ colorScheme: scheme });
  page.setDefaultTimeout(10_000);
  return page;
}

/** The list's rows as instance → [state, SLA 24h, 7d, 30d]. */
async function shownRows(page: Page): Promise<[string, string[]][]> {
  const rows = page.locator("[data-testid=uptime-row]");
  await rows.first().waitFor();
  const out: [string, string[]][] = [];
  for (const row of await rows.all()) {
    const instance = await row.locator("[data-testid=instance]").innerText();
    const state = await row.locator("[data-testid=state]").innerText();
    const slas = await row.locator("[data-testid=sla]").allInnerTexts();
    out.push([instance, [state.toLowerCase(), ...slas]]);
  }
  return out;
}

test("the list shows every target with the state and SLAs ListTargets answers, down first", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/uptime`);
  const shown = await shownRows(page);
  const api = await uptime.listTargets({ windowsMs: LIST_WINDOWS_MS.map(BigInt) });
  const expected = new Map(
    api.targets.map((t) => [
      t.labels.find((l) => l.name === "instance")!.value,
      [stateName(t.state), ...t.sla.map((s) => formatSla(s.ratio))],
    ]),
  );
  expect(new Map(shown)).toEqual(expected);
  // The first agent's stop wrote no staleness markers (as Prometheus writes none): its targets
  // keep their last probe's state until the staleness window passes, after the dead one.
  expect(shown.map(([instance, [state]]) => [instance, state])).toEqual([
    [deadUrl, "down"],
    [webUrl, expected.get(webUrl)![0]],
    [`https://127.0.0.1:${https.port}/`, expected.get(`https://127.0.0.1:${https.port}/`)![0]],
  ]);
  expect(expected.get(deadUrl)![0]).toBe("down");
  // The outage and the dead target make the SLAs differ from 100 %.
  expect(shown[0][1].slice(1)).toEqual(["0.000%", "0.000%", "0.000%"]);
  expect(shown[1][1][1]).not.toBe("100.000%");
  await page.screenshot({ path: join(ARTIFACTS, "uptime-light.png"), fullPage: true });
  await page.close();
}, 30_000);

test("a click opens the target's detail with GetTarget's down interval, and its URL reopens it", async () => {
  const page = await newPage("dark");
  await page.goto(`${aggregator.url}/uptime`);
  // The list, not the page before its answer.
  await page.locator("[data-testid=uptime-row]").first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "uptime-dark.png"), fullPage: true });
  await page.locator("[data-testid=uptime-row]", { hasText: webUrl }).click();
  await page.waitForURL(/\/uptime\?target=/);
  await page.locator("label", { hasText: /^15m$/ }).click();
  await page.waitForURL(/range=15m/);
  const rows = page.locator("[data-testid=down-intervals] tbody tr");
  await rows.first().waitFor();
  const api = await uptime.getTarget({
    labels: [
      { name: "instance", value: webUrl },
      { name: "job", value: "web" },
    ],
    startMs: BigInt(Date.now() - 15 * 60_000),
  });
  expect(api.downIntervals).toHaveLength(1);
  expect(await rows.count()).toBe(1);
  const [down] = api.downIntervals;
  expect(await rows.first().getAttribute("data-start-ms")).toBe(String(down.startMs));
  expect(await rows.first().getAttribute("data-end-ms")).toBe(String(down.endMs));
  expect(await rows.first().locator("td").nth(1).innerText()).not.toContain("ongoing");
  expect(await page.locator("[data-testid=detail-sla] [data-testid=sla]").count()).toBe(5);
  await page.locator("[data-testid=graph] canvas").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "uptime-detail-dark.png"), fullPage: true });

  const again = await newPage();
  await again.goto(page.url());
  await again.locator("[data-testid=down-intervals] tbody tr").first().waitFor();
  expect(await again.locator("[data-testid=instance]").innerText()).toBe(webUrl);
  await again.locator("[data-testid=graph] canvas").waitFor();
  await again.screenshot({ path: join(ARTIFACTS, "uptime-detail-light.png"), fullPage: true });
  await again.close();

  await page.goto(
    `${aggregator.url}/uptime?target=${encodeURIComponent(`{instance=${JSON.stringify(deadUrl)}, job="dead"}`)}&range=15m`,
  );
  await expect(
    page.locator("[data-testid=down-intervals] tbody tr").first().innerText(),
  ).resolves.toContain("ongoing");
  await page.close();
}, 30_000);

test("a target no probe reports shows GetTarget's not_found, a malformed one says so", async () => {
  const page = await newPage();
  await page.goto(`${aggregator.url}/uptime?target=${encodeURIComponent('{job="nope"}')}`);
  const error = page.locator("[data-testid=uptime-error]");
  await expect(error.innerText()).resolves.toContain("Cannot find a probe target");
  await page.goto(`${aggregator.url}/uptime?target=job%3Dnope`);
  await expect(page.getByText("Cannot open this target").innerText()).resolves.toBeTruthy();
  await page.close();
}, 30_000);
