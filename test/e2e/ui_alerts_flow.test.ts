/**
 * Issue 22's Alerts flow in headless Chromium against an in-process aggregator: a rule fires,
 * the notifier sends it to a webhook sink every repeat interval; **Silence** on the alert's row
 * opens the form with its labels as matchers, a removed one stays out, and once created no
 * notification of the alert reaches the sink over several repeat intervals; Expire in the UI
 * and they resume. Editing a silence says whether the server changed it in place or replaced
 * it; the History tab lists what ListHistory answers; the SLOs tab shows ListSLOs' budget.
 * Screenshots of each tab in both themes land in test/artifacts/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { Browser, Page } from "playwright-core";
import type { Aggregator } from "../../aggregator/aggregator.ts";
import { AlertsService } from "../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { buildUiIfStale } from "../../ui/build.ts";
import { startInProcessAggregator } from "../harness/aggregator.ts";
import { launchChromium } from "../harness/browser.ts";
import { type NatsServerHandle, startNatsServer } from "../harness/nats.ts";
import { type Sink, startSink } from "../harness/notify_sink.ts";

const ARTIFACTS = join(import.meta.dir, "..", "artifacts");
const ALERT = "UiSilenceMe";
const RULES = `groups:
- name: ui
  rules:
  - alert: ${ALERT}
    expr: vector(1)
    labels: {severity: page, team: ui}
    annotations: {summary: "Fires until silenced"}
`;
const AM = (url: string) => `route:
  receiver: ops
  group_by: [alertname]
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: ops
    webhook_configs: [{url: "${url}/hook"}]
`;
/** A constant error ratio, written as Sloth asks: over `{{.window}}`. */
const ratio = (r: string) => `vector(${r}) + 0 * count_over_time(vector(1)[{{.window}}:5m])`;
const SLO = `version: prometheus/v1
service: shop
slos:
  - name: checkout
    objective: 99
    sli: {raw: {error_ratio_query: "${ratio("0.002")}"}}
    alerting: {name: CheckoutBurn}
`;

let nats: NatsServerHandle;
let dir: string;
let agg: Aggregator;
let browser: Browser;
let sink: Sink;
let api: Client<typeof AlertsService>;

/** Notifications of the alert the sink received. */
const notified = () =>
  sink.requests.filter((r) => r.path === "/hook" && r.body.includes(`"alertname":"${ALERT}"`))
    .length;

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`Timed out waiting until ${what}`);
    await Bun.sleep(100);
  }
}

beforeAll(async () => {
  await buildUiIfStale();
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "outpost-ui-alerts-flow-"));
  sink = startSink();
  writeFileSync(join(dir, "rules.yml"), RULES);
  writeFileSync(join(dir, "am.yml"), AM(sink.url));
  writeFileSync(join(dir, "slo.yml"), SLO);
  nats = await startNatsServer();
  agg = await startInProcessAggregator(
    dir,
    nats.url,
    "global: { evaluation_interval: 1s }\nrule_files: [rules.yml]\nslo_files: [slo.yml]\nalerting: {config_file: am.yml}\n",
  );
  api = createClient(AlertsService, createConnectTransport({ baseUrl: agg.url }));
  // Until the notifier repeats (two notifications) and silences answer.
  await until(
    "the alert is notified twice",
    async () => {
      try {
        await api.listSilences({});
        return notified() >= 2;
      } catch {
        return false;
      }
    },
    30_000,
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agg?.stop();
  await nats?.stop();
  sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string, scheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${agg.url}${path}`);
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

test("Silence from a firing alert stops its notifications; Expire in the UI resumes them", async () => {
  const page = await open("/alerts");
  const row = page.locator("[data-testid=alert]", { hasText: `alertname=${ALERT}` });
  await row.getByRole("link", { name: "Silence" }).click();
  const form = page.locator("[data-testid=silence-form]");
  await form.waitFor();
  // Every label of the alert is a matcher; removing one leaves the others.
  const matchers = page.getByLabel("Matchers");
  expect(await matchers.inputValue()).toBe(`alertname="${ALERT}", severity="page", team="ui"`);
  await shot(page, "alerts-silence-from-alert-light.png");
  await form.getByRole("button", { name: "Remove team" }).click();
  expect(await matchers.inputValue()).toBe(`alertname="${ALERT}", severity="page"`);
  await page.getByLabel("Duration").fill("1h");
  await page.getByLabel("Author").fill("erin");
  await page.getByLabel("Comment").fill("silenced from its row");
  await page.getByRole("button", { name: "Create silence" }).click();
  const notice = page.locator("[data-testid=silence-notice]");
  await notice.waitFor();
  const id = (await api.listSilences({})).silences.find((s) => s.state === "active")!.id;
  expect(await notice.textContent()).toContain(`Created silence ${id}`);

  // The next flush finds the alert muted: from then on, nothing over three repeat intervals.
  await until("the alert is silenced", async () =>
    (await api.listAlerts({})).alerts.some((a) => a.silencedBy.includes(id)),
  );
  await Bun.sleep(1_500);
  const before = notified();
  await Bun.sleep(7_000);
  expect(notified()).toBe(before);

  await page
    .locator(`[data-testid=silence][data-id="${id}"]`)
    .getByRole("button", { name: "Expire" })
    .click();
  await page.getByTestId("confirm-expire").click();
  await page
    .locator(`[data-testid=silences-expired] [data-testid=silence][data-id="${id}"]`)
    .waitFor();
  await until("notifications resume", () => notified() > before, 10_000);
  await page.close();
}, 60_000);

test("Edit changes a silence in place or says it was replaced; Recreate starts an expired one anew", async () => {
  const now = Date.now();
  const { silenceId } = await api.createSilence({
    silence: {
      matchers: [{ name: "alertname", value: "Nothing", isRegex: false }],
      startsAtMs: BigInt(now),
      endsAtMs: BigInt(now + 3_600_000),
      createdBy: "erin",
      comment: "first",
    },
  });
  const page = await open("/alerts?tab=silences");
  const card = () => page.locator(`[data-testid=silence][data-id="${silenceId}"]`);
  await card().getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Comment").fill("second");
  await page.getByRole("button", { name: "Update silence" }).click();
  const notice = page.locator("[data-testid=silence-notice]");
  expect(await notice.textContent()).toContain(`Updated silence ${silenceId} in place`);
  expect((await api.getSilence({ id: silenceId })).silence?.comment).toBe("second");

  // New matchers cannot be made in place: Alertmanager expires it and makes a new one.
  await card().getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Matchers").fill('alertname="Nothing", team="x"');
  await page.getByRole("button", { name: "Update silence" }).click();
  await notice.getByText("could not change").waitFor();
  const text = await notice.textContent();
  const replaced = (await api.listSilences({})).silences.find(
    (s) => s.comment === "second" && s.state === "active",
  )!;
  expect(text).toContain(`expired it and created ${replaced.id}`);
  expect((await api.getSilence({ id: silenceId })).silence?.state).toBe("expired");
  await shot(page, "alerts-silence-replaced-light.png");

  await card().getByRole("button", { name: "Recreate" }).click();
  expect(await page.getByLabel("Matchers").inputValue()).toBe('alertname="Nothing"');
  await page.getByRole("button", { name: "Create silence" }).click();
  await notice.getByText("Created silence").waitFor();

  // A refusal names the form's field, not the API's path.
  await page.getByRole("button", { name: "New silence" }).click();
  await page.getByRole("button", { name: "Create silence" }).click();
  const refusal = page.locator("[data-testid=silence-form-error]");
  expect(await refusal.textContent()).toContain("Matchers: at least one matcher is needed");
  expect(await refusal.textContent()).not.toContain("silence.matchers");
  await page.getByLabel("Matchers").fill('alertname="Nothing"');
  await page.getByLabel("Duration").fill("soon");
  await page.getByRole("button", { name: "Create silence" }).click();
  await refusal.getByText('Duration: cannot read "soon"').waitFor();
  await shot(page, "alerts-silence-refused-light.png");
  await page.close();
}, 30_000);

test("the History tab lists the records ListHistory answers, on a timeline", async () => {
  const want = (await api.listHistory({ alertname: ALERT, kind: "state", limit: 1000 })).records;
  const silenced = want.filter(
    (r) => r.record.case === "state" && r.record.value.state === "silenced",
  );
  expect(silenced.length).toBeGreaterThan(0);
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/alerts?tab=history", scheme);
    await page.locator("[data-testid=history-list]").waitFor();
    await page.locator("[data-testid=history-lane]").first().waitFor();
    const lanes = await page
      .locator("[data-testid=history-lane]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-label")));
    expect(lanes).toContain(`${ALERT} severity=page team=ui`);
    await shot(page, `alerts-history-all-${scheme}.png`);
    // The list holds the server's silenced records of the alert, no more, no fewer.
    await page.getByRole("textbox", { name: "Status" }).click();
    await page.getByRole("option", { name: "silenced", exact: true }).click();
    const rows = page.locator("[data-testid=history-entry][data-status=silenced]");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(silenced.length);
    expect(await page.locator("[data-testid=history-entry]").count()).toBe(silenced.length);
    await page.getByRole("textbox", { name: "Status" }).click();
    await page.getByRole("option", { name: "notified", exact: true }).click();
    await page.locator("[data-testid=history-entry][data-status=notified]").first().waitFor();
    await shot(page, `alerts-history-${scheme}.png`);
    await page.close();
  }
}, 30_000);

test("the SLOs tab shows each SLO with ListSLOs' budget left and its burn-rate chart", async () => {
  let slo = (await api.listSLOs({})).slos[0];
  await until(
    "the SLO has data",
    async () => {
      slo = (await api.listSLOs({})).slos[0];
      return slo?.errorBudgetRemaining !== undefined;
    },
    20_000,
  );
  const want = `${(slo.errorBudgetRemaining! * 100).toFixed(1)} %`;
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/alerts?tab=slos", scheme);
    const card = page.locator(`[data-testid=slo][data-id="${slo.id}"]`);
    await card.waitFor();
    expect(await card.locator("[data-testid=slo-budget]").textContent()).toBe(want);
    await card.locator("[data-testid=burn-chart] canvas").waitFor();
    // The generated alerts' thresholds are in the chart's legend.
    expect(await card.locator("[data-testid=burn-chart]").textContent()).toContain("page > 14.4");
    await shot(page, `alerts-slos-${scheme}.png`);
    await page.close();
  }
}, 40_000);

test("the Alerts and Silences tabs in both themes", async () => {
  for (const scheme of ["light", "dark"] as const) {
    const page = await open("/alerts", scheme);
    await page.locator("[data-testid=alert]").first().waitFor();
    await shot(page, `alerts-flow-alerts-${scheme}.png`);
    await page.getByRole("tab", { name: "Silences" }).click();
    await page.locator("[data-testid=silence]").first().waitFor();
    await shot(page, `alerts-flow-silences-${scheme}.png`);
    await page.close();
  }
}, 30_000);
