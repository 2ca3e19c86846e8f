/**
 * Accessibility: axe-core (injected into the page, as its docs describe for any browser driver)
 * on every route of the web UI, in both themes, against the populated stack of
 * test/harness/ui_stack.ts. A `critical` violation fails the test; `serious` ones are printed
 * so they are seen and fixed, not hidden.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildUiIfStale } from "../../ui/build.ts";
import { launchChromium } from "../harness/browser.ts";
import { startUiStack, UI_PASSWORD, type UiStack } from "../harness/ui_stack.ts";

const AXE = join(import.meta.dir, "..", "..", "node_modules", "axe-core", "axe.min.js");
let stack: UiStack;
let browser: Browser;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; any: { message: string }[] }[];
}

beforeAll(async () => {
  await buildUiIfStale();
  stack = await startUiStack();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** axe's violations on the page as it is now. */
async function violations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: Violation[];
  };
  return result.violations;
}

/** Checks the page; returns its critical violations, printing the serious ones. */
async function check(page: Page, name: string): Promise<string[]> {
  const found = await violations(page);
  for (const v of found.filter((v) => v.impact === "serious"))
    for (const n of v.nodes)
      console.log(
        `a11y serious on ${name}: ${v.id} at ${n.target.join(" ")}: ${n.any[0]?.message ?? v.help}`,
      );
  return found
    .filter((v) => v.impact === "critical")
    .map(
      (v) => `${name}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
}

/** Every route, with what shows it has rendered its data. */
function routes(target: string): [string, string][] {
  return [
    ["/", "[data-testid=home-figure-series] [data-value]"],
    ["/explore?q=up&range=15m", ".op-graph, [data-testid=graph]"],
    ["/explore?q=up&range=15m&tab=table", "table"],
    [`/logs?q=${encodeURIComponent('{app="ui"}')}&range=15m`, "[data-testid=log-line]"],
    ["/dashboards", "main"],
    ["/alerts", "[data-testid=alert-group]"],
    ["/alerts?tab=rules", "[role=tabpanel] table, [role=tabpanel] [data-testid]"],
    ["/alerts?tab=silences", "[role=tabpanel] button"],
    ["/uptime", "[data-testid=uptime-row]"],
    [`/uptime?target=${encodeURIComponent(target)}`, "[data-testid=state]"],
    ["/admin", "[data-testid=user-row]"],
    ["/admin?tab=tokens", "[data-testid=tokens-table]"],
    ["/admin?tab=tenants", "[data-testid=tenant-row]"],
    ["/admin?tab=audit", "[data-testid=audit-row]"],
  ];
}

test("no page has a critical axe-core violation, in either theme", async () => {
  const t = (await stack.api.uptime.listTargets({})).targets[0];
  const target = `{${t.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ")}}`;
  const critical: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(10_000);
    await page.emulateMedia({ colorScheme: scheme });
    // Before login: the login page and the public status page.
    await page.goto(`${stack.url}/status`);
    await page.getByTestId("status-row").first().waitFor();
    critical.push(...(await check(page, `/status (${scheme})`)));
    await page.goto(`${stack.url}/`);
    await page.locator("input[autocomplete=username]").waitFor();
    critical.push(...(await check(page, `login (${scheme})`)));
    await page.locator("input[autocomplete=username]").fill("ada");
    await page.getByLabel("Password").fill(UI_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("navigation", { name: "Pages" }).waitFor();
    for (const [path, ready] of routes(target)) {
      await page.goto(`${stack.url}${path}`);
      await page.locator(ready).first().waitFor();
      critical.push(...(await check(page, `${path} (${scheme})`)));
    }
    await page.close();
  }
  expect(critical).toEqual([]);
}, 180_000);
