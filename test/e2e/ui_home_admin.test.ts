/**
 * Home, Admin, the public status page and the keyboard in headless Chromium against a
 * populated stack (test/harness/ui_stack.ts): the home cards show what the APIs answer; an
 * admin creates a user, creates a token whose secret is shown once and works, revokes it, and
 * finds each action in the audit tab; a viewer sees no Admin entry; `/status` renders without
 * login; the shortcuts navigate. Screenshots of each page in both themes go to test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildUiIfStale } from "../../ui/build.ts";
import { FIGURES, SETTLE_MS } from "../../ui/lib/home.ts";
import { launchChromium } from "../harness/browser.ts";
import { SILENT_AGENT, startUiStack, UI_PASSWORD, type UiStack } from "../harness/ui_stack.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
let stack: UiStack;
let browser: Browser;

beforeAll(async () => {
  await buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startUiStack();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A page logged in as `user` at `path`, once `ready` is visible. */
async function loggedIn(user: string, path: string, ready: string, scheme = "light") {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(10_000);
  await page.emulateMedia({ colorScheme: scheme as "light" | "dark" });
  await page.goto(`${stack.url}${path}`);
  await page.locator("input[autocomplete=username]").fill(user);
  await page.getByLabel("Password").fill(UI_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator(ready).first().waitFor();
  return page;
}

/** What the home page shows once its figures are in. */
const HOME_READY = "[data-testid=home-figure-series] [data-value]";

/** How many probe targets the API says are down. */
async function downTargets(): Promise<number> {
  const targets = (await stack.api.uptime.listTargets({})).targets;
  return targets.filter((t) => t.state === 2).length;
}

/**
 * The home card's count of probes down is the API's. The stack's web server is probed every
 * second with a 400 ms timeout, which a loaded full run can miss (the card once showed 2 where
 * the API, asked a moment later, said 1): the two are compared when the API answers the same
 * before and after the card is read, the page reloaded between tries.
 */
async function downCountAgrees(page: Page): Promise<void> {
  let seen = "";
  for (let i = 0; i < 10; i++) {
    const before = await downTargets();
    const shown = await page.getByTestId("home-down-count").textContent();
    const after = await downTargets();
    if (before === after && shown === String(before)) return;
    seen = `the card ${shown}, the API ${before} then ${after}`;
    await Bun.sleep(1_000);
    await page.reload();
    await page.locator(HOME_READY).first().waitFor();
  }
  throw new Error(`probes down: the card never agreed with the API (${seen})`);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

test("the home cards show the APIs' figures", async () => {
  // The figures are taken SETTLE_MS back: wait until the stack's data reaches that far.
  for (let i = 0; i < 100; i++) {
    const r = await stack.api.query.instant({
      query: FIGURES[0].query,
      timeMs: BigInt(Date.now() - SETTLE_MS),
    });
    if (r.result?.value.case === "vector" && r.result.value.value.samples.length > 0) break;
    await Bun.sleep(200);
  }
  for (const scheme of ["light", "dark"]) {
    const page = await loggedIn("ada", "/", HOME_READY, scheme);
    await page.locator("[data-testid=home-alert]").first().waitFor();
    await page.locator("[data-testid=home-silent-agent]").first().waitFor();
    const alerts = (await stack.api.alerts.listAlerts({ filter: { silenced: false } })).alerts;
    expect(await page.getByTestId("home-alerts-count").textContent()).toBe(String(alerts.length));
    expect(await page.getByTestId("home-severity").allTextContents()).toEqual([
      `critical: ${alerts.length}`,
    ]);
    await downCountAgrees(page);
    const link = page.getByTestId("home-down").getByRole("link");
    expect(await link.getAttribute("href")).toContain("/uptime?target=");
    expect(await page.getByTestId("home-silent").textContent()).toBe("1");
    expect(await page.getByTestId("home-silent-agent").textContent()).toContain(SILENT_AGENT);
    // Each figure equals the query's answer at the time the card asked.
    for (const f of FIGURES) {
      const figure = page.getByTestId(`home-figure-${f.key}`);
      const timeMs = BigInt((await figure.getAttribute("data-time-ms")) ?? "0");
      const shown = await figure.locator("[data-value]").getAttribute("data-value");
      const r = await stack.api.query.instant({ query: f.query, timeMs });
      const want =
        r.result?.value.case === "vector" ? r.result.value.value.samples[0]?.value : undefined;
      expect(shown).toBe(want === undefined ? "" : String(want));
    }
    await shot(page, `home-${scheme}.png`);
    // The down probe leads to its detail.
    await link.first().click();
    await page.waitForURL(/\/uptime\?target=/);
    await page.close();
  }
}, 60_000);

test("an admin creates a user, a token shown once, revokes it, and the audit shows it all", async () => {
  const page = await loggedIn("ada", "/admin", "[data-testid=users-table]");
  await page.getByLabel("New user").fill("newbie");
  await page.getByLabel("Password", { exact: true }).fill("a long enough password");
  await page.getByRole("button", { name: "Create user" }).click();
  await page.locator("[data-user=newbie]").waitFor();
  expect((await stack.api.admin.listUsers({})).users.map((u) => u.name)).toContain("newbie");
  const roleOf = async () =>
    (await stack.api.admin.listUsers({})).users.find((u) => u.name === "newbie")?.role;
  const pick = async (role: string) => {
    await page.getByRole("textbox", { name: "Role of newbie" }).click();
    await page.getByRole("option", { name: role, exact: true }).click();
  };
  // A higher role is given at once; a lower one only after the confirmation.
  await pick("editor");
  await page.waitForFunction(
    `document.querySelector("[data-user=newbie] input[aria-label='Role of newbie']")?.value === "editor"`,
  );
  expect(await roleOf()).toBe(2);
  await pick("viewer");
  await page.getByTestId("confirm").click();
  await page.waitForFunction(
    `document.querySelector("[data-user=newbie] input[aria-label='Role of newbie']")?.value === "viewer"`,
  );
  expect(await roleOf()).toBe(1);
  // A refusal is shown as the server words it: the same name again.
  await page.getByLabel("New user").fill("newbie");
  await page.getByLabel("Password", { exact: true }).fill("another long password");
  await page.getByRole("button", { name: "Create user" }).click();
  await page.getByTestId("admin-refusal").waitFor();
  await shot(page, "admin-users-light.png");

  await page.getByRole("tab", { name: "Tokens" }).click();
  await page.getByLabel("New token").fill("ui-token");
  // A lifetime cannot be typed negative, nor left empty: neither may become "never expires".
  const lifetime = page.getByLabel("Lifetime (days)");
  await lifetime.fill("-5");
  await lifetime.blur();
  await page.getByText("A lifetime cannot be negative (0: never expires)").waitFor();
  await lifetime.fill("");
  await page.getByText("Give a number of days").waitFor();
  await lifetime.fill("90");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret-value").textContent()) ?? "";
  expect(secret).toStartWith("opt_");
  await shot(page, "admin-token-secret-light.png");
  const whoami = (token: string) =>
    fetch(`${stack.url}/outpost.auth.v1.AuthService/WhoAmI`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: "{}",
    });
  expect((await whoami(secret)).status).toBe(200);
  await page.getByRole("button", { name: "I have copied it" }).click();
  await page.reload();
  await page.locator("[data-token=ui-token]").waitFor();
  // Shown once: nowhere on the page after that.
  expect(await page.content()).not.toContain(secret);
  await page.locator("[data-token=ui-token]").getByTestId("revoke-token").click();
  await page.getByTestId("confirm").click();
  await page.locator("[data-token=ui-token]").waitFor({ state: "detached" });
  expect((await whoami(secret)).status).toBe(401);

  await page.getByRole("tab", { name: "Audit" }).click();
  await page.locator("[data-action='token.revoke']").waitFor();
  const actions = await page
    .locator("[data-testid=audit-row]")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
  for (const a of ["user.create", "token.create", "token.revoke"]) expect(actions).toContain(a);
  // Newest first.
  expect(actions.indexOf("token.revoke")).toBeLessThan(actions.indexOf("token.create"));
  await page.getByLabel("Action").fill("token.");
  await page.waitForFunction(
    `[...document.querySelectorAll("[data-testid=audit-row]")].every((r) => r.getAttribute("data-action")?.startsWith("token."))`,
  );
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme as "light" | "dark" });
    await shot(page, `admin-audit-${scheme}.png`);
  }
  await page.getByRole("tab", { name: "Tenants" }).click();
  await page.locator("[data-testid=tenant-row]").first().waitFor();
  await shot(page, "admin-tenants-dark.png");
  await page.close();
}, 60_000);

test("a viewer sees no Admin entry", async () => {
  const page = await loggedIn("vic", "/", "[data-testid=home-alerts]");
  const nav = page.getByRole("navigation", { name: "Pages" });
  expect(await nav.getByRole("link").allTextContents()).not.toContain("Admin");
  expect(await nav.getByRole("link").allTextContents()).toContain("Home");
  await page.goto(`${stack.url}/admin`);
  expect(await page.getByTestId("admin-only").textContent()).toContain("viewer");
  await page.close();
}, 30_000);

test("on a phone the pages are a menu, and every button of the bar is in reach", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await loggedIn("ada", "/", "[data-testid=home-alerts]", scheme);
    await page.setViewportSize({ width: 390, height: 844 });
    // The bar's buttons inside the screen; the page no wider than it.
    const box = await page.getByTestId("theme-toggle").boundingBox();
    expect(box !== null && box.x + box.width <= 390).toBe(true);
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.getByTestId("nav-menu").click();
    await page.getByRole("menuitem", { name: "Admin" }).waitFor();
    const items = await page.getByRole("menuitem").allTextContents();
    expect(items).toEqual(["Home", "Explore", "Logs", "Dashboards", "Alerts", "Uptime", "Admin"]);
    await shot(page, `nav-menu-390-${scheme}.png`);
    await page.getByRole("menuitem", { name: "Uptime" }).click();
    await page.waitForURL(/\/uptime$/);
    // Wide tables scroll inside themselves: the page stays the screen's width.
    for (const [path, ready] of [
      ["/alerts?tab=rules", "[data-testid=rule]"],
      ["/admin", "[data-testid=users-table]"],
      ["/admin?tab=tokens", "[data-testid=tokens-table]"],
    ]) {
      await page.goto(`${stack.url}${path}`);
      await page.locator(ready).first().waitFor();
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    }
    await shot(page, `tokens-390-${scheme}.png`);
    await page.close();
  }
}, 60_000);

test("/status renders the chosen targets without login", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${stack.url}/status`);
    await page.getByTestId("status-row").first().waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Example Corp status");
    const rows = await page.getByTestId("status-row").allTextContents();
    expect(rows.length).toBe(2);
    expect(rows[0]).toContain("Website");
    expect(rows[0]).toContain("Operational");
    expect(rows[1]).toContain("Payments API");
    expect(rows[1]).toContain("Down");
    expect(await page.getByLabel("Password").count()).toBe(0);
    expect(await page.content()).not.toContain("127.0.0.1");
    await shot(page, `status-${scheme}.png`);
    await page.close();
  }
}, 30_000);

test("the SLA decimals persist, and a custom window's SLA is GetTarget's for that window", async () => {
  const t = (await stack.api.uptime.listTargets({})).targets.find((x) => x.state === 1)!;
  const target = `{${t.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ")}}`;
  const toMs = Date.now() - 1000;
  const fromMs = toMs - 60_000;
  const path = `/uptime?target=${encodeURIComponent(target)}&range=1h&from=${fromMs}&to=${toMs}`;
  const page = await loggedIn("ada", path, "[data-testid=custom-sla-value]");
  const want = await stack.api.uptime.getTarget({
    labels: t.labels,
    windowsMs: [BigInt(toMs - fromMs)],
    timeMs: BigInt(toMs),
    startMs: BigInt(fromMs),
  });
  const sla = page.getByTestId("custom-sla-value").getByTestId("sla");
  expect(await sla.textContent()).toBe(`${(want.target!.sla[0].ratio * 100).toFixed(3)}%`);
  await page.getByRole("textbox", { name: "SLA decimals" }).click();
  await page.getByRole("option", { name: "5 decimals" }).click();
  expect(await sla.textContent()).toBe(`${(want.target!.sla[0].ratio * 100).toFixed(5)}%`);
  await page.reload();
  await page.getByTestId("custom-sla-value").waitFor();
  expect(await page.getByTestId("detail-sla").getByTestId("sla").first().textContent()).toMatch(
    /^\d+\.\d{5}%$/,
  );
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await shot(page, `uptime-custom-${scheme}.png`);
  }
  // A link whose window ends before it starts gets the form's words, not the API's.
  await page.goto(
    `${stack.url}/uptime?target=${encodeURIComponent(target)}&range=1h&from=${toMs}&to=${fromMs}`,
  );
  await page.getByText("The window must end after it starts.").waitFor();
  expect(await page.getByText("windows_ms").count()).toBe(0);
  await page.close();
}, 30_000);

test("g e goes to Explore, ? shows the shortcuts, the first Tab offers the skip link", async () => {
  const page = await loggedIn("ada", "/", "[data-testid=home-alerts]");
  await page.keyboard.press("Tab");
  expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
  await page.keyboard.press("Enter");
  expect(await page.evaluate("document.activeElement?.id")).toBe("main");
  // The next Tab lands in the page: the first card's link, with a visible ring.
  await page.keyboard.press("Tab");
  expect(await page.evaluate("document.activeElement?.textContent")).toBe("Firing alerts");
  expect(await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).toBe(
    "solid",
  );
  await shot(page, "focus-ring-light.png");
  await page.keyboard.press("?");
  await page.getByTestId("shortcuts-help").waitFor();
  await Bun.sleep(400); // the modal's fade-in
  await shot(page, "shortcuts-light.png");
  await page.keyboard.press("Escape");
  await page.getByTestId("shortcuts-help").waitFor({ state: "detached" });
  await page.keyboard.press("g");
  await page.keyboard.press("u");
  await page.waitForURL(/\/uptime$/);
  await page.keyboard.press("g");
  await page.keyboard.press("e");
  await page.waitForURL(/\/explore/);
  // Explore loads lazily: `/` needs its editor on the page to focus it.
  await page.locator(".cm-content").first().waitFor();
  // `/` puts the cursor in the query editor; typed keys go to it, not to the shortcuts.
  await page.keyboard.press("/");
  await page.keyboard.type("up");
  expect(await page.locator(".cm-content").first().textContent()).toContain("up");
  expect(new URL(page.url()).pathname).toBe("/explore");
  await page.close();
}, 30_000);
