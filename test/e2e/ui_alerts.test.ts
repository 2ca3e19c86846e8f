/**
 * The Alerts page in headless Chromium against an in-process aggregator whose rule fires an
 * alert through the notifier: the alert is shown in its group as ListAlertGroups answers, the
 * rule firing as ListRules answers, a silence made in the form appears in Silences and silences
 * the alert, Expire ends it, and a viewer's Expire is refused plainly. Screenshots of each tab
 * in both themes land in test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const PASSWORD = "correct horse battery";
const ALERT = "UiAlwaysFiring";
const RULES = `groups:
- name: ui
  rules:
  - alert: ${ALERT}
    expr: vector(1)
    labels: {severity: page}
    annotations: {summary: "Always firing, for the UI test", description: "vector(1) is 1."}
  - record: ui_one
    expr: vector(1)
`;
const AM = `route:
  receiver: ops
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
receivers:
  - name: ops
`;

let nats: NatsServerHandle;
let dir: string;
let agg: Aggregator;
let browser: Browser;
let api: Client<typeof AlertsService>;

beforeAll(async () => {
  await buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-alerts-"));
  writeFileSync(join(dir, "rules.yml"), RULES);
  writeFileSync(join(dir, "am.yml"), AM);
  nats = await startNatsServer();
  agg = await startInProcessAggregator(
    dir,
    nats.url,
    "global: { evaluation_interval: 1s }\nrule_files: [rules.yml]\nalerting: {config_file: am.yml}\nauth: {enabled: true}\n",
  );
  await agg.auth!.addUser("erin", "editor", PASSWORD);
  await agg.auth!.addUser("vic", "viewer", PASSWORD);
  const basic: Interceptor = (next) => (req) => {
    req.header.set("Authorization", `Basic ${btoa(`erin:${PASSWORD}`)}`);
    return next(req);
  };
  api = createClient(
    AlertsService,
    createConnectTransport({ baseUrl: agg.url, interceptors: [basic] }),
  );
  // Until the rule's alert reached the notifier and silences answer.
  for (let i = 0; i < 150; i++) {
    try {
      const groups = await api.listAlertGroups({});
      await api.listSilences({});
      if (groups.groups.some((g) => g.alerts.length > 0)) break;
    } catch {}
    await Bun.sleep(100);
  }
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agg?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A page logged in as `user`, opened at `path`. */
async function loggedIn(user: string, path: string, scheme: "light" | "dark" = "light") {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${agg.url}${path}`);
  await page.locator("input[autocomplete=username]").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("tab", { name: "Silences" }).waitFor();
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

test("the Alerts tab shows the firing alert in its group as ListAlertGroups answers", async () => {
  const want = (await api.listAlertGroups({})).groups.filter((g) => g.alerts.length > 0);
  expect(want.length).toBe(1);
  for (const scheme of ["light", "dark"] as const) {
    const page = await loggedIn("erin", "/alerts", scheme);
    const groups = page.locator("[data-testid=alert-group]");
    await groups.first().waitFor();
    expect(await groups.count()).toBe(want.length);
    const group = groups.first();
    expect(await group.locator("[data-testid=group-receiver]").innerText()).toContain(
      `receiver: ${want[0].receiver}`,
    );
    const alerts = group.locator("[data-testid=alert]");
    expect(await alerts.count()).toBe(want[0].alerts.length);
    const a = want[0].alerts[0];
    const row = alerts.first();
    expect(await row.getAttribute("data-fingerprint")).toBe(a.fingerprint);
    expect(await row.locator("[data-testid=alert-state]").innerText()).toBe("FIRING");
    const chips = await row.locator("[data-testid=label-chip]").allInnerTexts();
    expect(chips).toEqual(a.labels.map((l) => `${l.name}=${l.value}`));
    expect(await row.innerText()).toContain("Always firing, for the UI test");
    // The filter reaches the server: a matcher nothing has empties the list.
    await page.getByLabel("Filter by matchers").fill('severity="none"');
    await page.locator("[data-testid=alerts-empty]").waitFor();
    await page.getByLabel("Filter by matchers").fill('severity="page"');
    await groups.first().waitFor();
    await shot(page, `alerts-${scheme}.png`);
    await page.close();
  }
}, 30_000);

test("the Rules tab shows the rule firing as ListRules answers", async () => {
  const want = (await api.listRules({})).groups;
  const rule = want[0].rules.find((r) => r.name === ALERT)!;
  expect(rule.state).toBe("firing");
  for (const scheme of ["light", "dark"] as const) {
    const page = await loggedIn("erin", "/alerts?tab=rules", scheme);
    await page.locator("[data-testid=rule-group]").first().waitFor();
    expect(await page.locator("[data-testid=rule-group]").count()).toBe(want.length);
    const rows = page.locator("[data-testid=rule]");
    expect(await rows.count()).toBe(want.flatMap((g) => g.rules).length);
    const row = page.locator(`[data-testid=rule][data-name=${ALERT}]`);
    expect(await row.locator("[data-testid=rule-state]").innerText()).toBe("FIRING");
    expect(await row.locator("[data-testid=rule-health]").innerText()).toBe(
      rule.health.toUpperCase(),
    );
    expect(await row.locator("[data-testid=rule-query]").innerText()).toBe(rule.query);
    await shot(page, `alerts-rules-${scheme}.png`);
    await page.close();
  }
}, 30_000);

test("a silence made in the form appears in Silences, silences the alert, and Expire ends it", async () => {
  const page = await loggedIn("erin", "/alerts?tab=silences");
  await page.getByRole("button", { name: "New silence" }).click();
  // The server's refusal is shown as it says it: a silence needs matchers.
  await page.getByRole("button", { name: "Create silence" }).click();
  const refusal = page.locator("[data-testid=silence-form-error]");
  await refusal.waitFor();
  expect(await refusal.innerText()).toContain("Matchers: at least one matcher is needed");
  await shot(page, "alerts-silence-refused-light.png");
  await page.getByLabel("Matchers").fill(`alertname="${ALERT}", severity=~"pa.*"`);
  // The author is the signed-in user unless changed; a zero duration is said to be one.
  await page.waitForFunction(`document.querySelector("input[name=author]")?.value === "erin"`);
  await page.getByLabel("Duration").fill("0s");
  await page.getByRole("button", { name: "Create silence" }).click();
  await page.getByText('Duration: "0s" is no time at all; use 30m, 2h, 1d').waitFor();
  await page.getByLabel("Duration").fill("1h");
  await page.getByLabel("Comment").fill("maintenance window");
  await page.getByRole("button", { name: "Create silence" }).click();
  const active = page.locator("[data-testid=silences-active] [data-testid=silence]");
  await active.first().waitFor();
  const listed = (await api.listSilences({})).silences.filter((s) => s.state === "active");
  expect(listed.length).toBe(1);
  expect(await active.count()).toBe(1);
  expect(await active.first().getAttribute("data-id")).toBe(listed[0].id);
  const text = await active.first().innerText();
  expect(text).toContain(`alertname="${ALERT}"`);
  expect(text).toContain('severity=~"pa.*"');
  expect(text).toContain("maintenance window");
  expect(text).toContain("by erin");
  await shot(page, "alerts-silences-light.png");

  await page.getByRole("tab", { name: "Alerts" }).click();
  await page.locator("[data-testid=alert][data-state=silenced]").waitFor();
  expect(await page.locator("[data-testid=alert-state]").first().innerText()).toBe("SILENCED");
  await shot(page, "alerts-silenced-light.png");
  // Hiding silenced alerts asks the server for none of them.
  await page.getByRole("switch", { name: "Show silenced" }).click({ force: true });
  await page.locator("[data-testid=alerts-empty]").waitFor();

  await page.getByRole("tab", { name: "Silences" }).click();
  await active.first().getByRole("button", { name: "Expire" }).click();
  // Asked first; Cancel leaves it active.
  await page.getByRole("button", { name: "Cancel" }).click();
  expect(await active.count()).toBe(1);
  await active.first().getByRole("button", { name: "Expire" }).click();
  await page.getByTestId("confirm-expire").click();
  await page.locator("[data-testid=silences-expired] [data-testid=silence]").first().waitFor();
  expect(await active.count()).toBe(0);
  const after = (await api.listSilences({})).silences.find((s) => s.id === listed[0].id);
  expect(after?.state).toBe("expired");
  await page.getByRole("button", { name: "Log out" }).click();
  await page.close();
}, 30_000);

test("a viewer's Expire is refused with the server's permission_denied said plainly", async () => {
  const now = Date.now();
  // A long matcher value and comment wrap: the card's buttons stay on the screen.
  const { silenceId } = await api.createSilence({
    silence: {
      matchers: [
        { name: "alertname", value: "Nothing", isRegex: false },
        { name: "instance", value: "i".repeat(400), isRegex: false },
      ],
      startsAtMs: BigInt(now),
      endsAtMs: BigInt(now + 3_600_000),
      createdBy: "erin",
      comment: `for the viewer ${"c".repeat(600)}`,
    },
  });
  const page = await loggedIn("vic", "/alerts?tab=silences", "dark");
  const card = page.locator(`[data-testid=silence][data-id="${silenceId}"]`);
  const expire = await card.getByRole("button", { name: "Expire" }).boundingBox();
  expect(expire !== null && expire.x + expire.width <= 1280).toBe(true);
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(1280);
  await card.getByRole("button", { name: "Expire" }).click();
  await page.getByTestId("confirm-expire").click();
  const error = page.locator("[data-testid=expire-error]");
  await error.waitFor();
  expect(await error.innerText()).toContain("You may not expire silences");
  expect(await error.innerText()).toContain("viewer");
  await shot(page, "alerts-silences-dark.png");
  expect((await api.getSilence({ id: silenceId })).silence?.state).toBe("active");
  await page.close();
}, 30_000);

test("an alert sent to the notifier appears on the open page live, well before the 15 s refetch", async () => {
  const page = await loggedIn("erin", "/alerts");
  await page.locator("[data-testid=alerts-live][data-live=true]").waitFor();
  const groups = page.locator("[data-testid=alert-group]");
  await groups.first().waitFor();
  const before = await groups.count();
  const sent = Date.now();
  const res = await fetch(`${agg.url}/api/v2/alerts`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`erin:${PASSWORD}`)}` },
    body: JSON.stringify([{ labels: { alertname: "UiPosted", severity: "info" } }]),
  });
  expect(res.status).toBe(200);
  await page
    .locator("[data-testid=label-chip]", { hasText: "alertname=UiPosted" })
    .first()
    .waitFor({
      timeout: 5_000,
    });
  expect(Date.now() - sent).toBeLessThan(5_000);
  expect(await groups.count()).toBe(before + 1);
  await page.close();
}, 30_000);

/** The list as the page shows it: the count line and every row's fingerprint, page by page. */
async function listed(page: Page): Promise<{ count: string; rows: string[] }> {
  const count = await page.getByTestId("alerts-count").innerText();
  const rows = await page
    .locator("[data-testid=alert]")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-fingerprint") ?? ""));
  return { count, rows };
}

test("130 alerts are filtered and paged as typed, and the server's answer agrees once typing pauses", async () => {
  const batch = Array.from({ length: 130 }, (_, i) => ({
    labels: { alertname: "UiMany", i: String(i), zone: i % 2 === 0 ? "even" : "odd" },
  }));
  const res = await fetch(`${agg.url}/api/v2/alerts`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`erin:${PASSWORD}`)}` },
    body: JSON.stringify(batch),
  });
  expect(res.status).toBe(200);
  const seen: { count: string; rows: string[] }[][] = [];
  // Filtered in the page on each keystroke, then by the server with the same matchers.
  for (const pause of [0, 600]) {
    const page = await loggedIn("erin", "/alerts");
    const box = page.getByLabel("Filter by matchers");
    const views: { count: string; rows: string[] }[] = [];
    await box.fill('alertname="UiMany"');
    await page.getByText("130 alerts in 1 group · 1–50 shown").waitFor();
    await Bun.sleep(pause);
    views.push(await listed(page));
    await page.getByRole("button", { name: "3" }).first().click();
    await page.getByText("130 alerts in 1 group · 101–130 shown").waitFor();
    views.push(await listed(page));
    await box.fill('alertname="UiMany", zone="odd", i=~"1.*"');
    // 1, 11, 13, …, 19, 101, 103, …, 129: 1 + 5 + 15 odd numbers.
    await page.getByText("21 alerts in 1 group").waitFor();
    await Bun.sleep(pause);
    views.push(await listed(page));
    // Half typed: the last filter that parsed stays in force and the box says what is wrong.
    await box.fill('alertname="UiMany", zone=');
    await page.getByText("21 alerts in 1 group").waitFor();
    seen.push(views);
    await page.close();
  }
  expect(seen[0][0].rows.length).toBe(50);
  expect(seen[0][1].rows.length).toBe(30);
  expect(seen[0][2].rows.length).toBe(21);
  expect(seen[1]).toEqual(seen[0]);
}, 60_000);
