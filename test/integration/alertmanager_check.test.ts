/**
 * Outpost's alertmanager.yml checker beside Debian's amtool 0.25, case by case: small variants
 * of the file (every integration, http_config and tls_config field, URLs, routes, inhibit
 * rules, time intervals, templates, and how the YAML is read; the tables are the
 * alertmanager_check_*.ts files) each go through the real `amtool check-config` and through
 * what `outpost check` runs. The verdicts must be the same, and Outpost's refusal must name
 * the same field or problem with the file's line, except for the fields newer than 0.25 that
 * Outpost reads on purpose (docs/notify.md, "Differences from Alertmanager").
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadAlertmanagerConfig } from "../../aggregator/notify/config/load.ts";
import { loadTemplateSet } from "../../aggregator/notify/integrations/templates.ts";
import { TemplateError } from "../../aggregator/template/errors.ts";
import { ConfigError } from "../../shared/config/errors.ts";
import type { CheckCase } from "./alertmanager_check_cases.ts";
import { chatCases } from "./alertmanager_check_chat.ts";
import { httpCases } from "./alertmanager_check_http.ts";
import { receiverCases } from "./alertmanager_check_receivers.ts";
import { treeCases } from "./alertmanager_check_tree.ts";
import { yamlCases } from "./alertmanager_check_yaml.ts";

const AMTOOL = "/usr/bin/amtool";
if (!existsSync(AMTOOL))
  throw new Error("amtool is missing: run make test-deps (prometheus-alertmanager)");

const root = await mkdtemp(join(tmpdir(), "outpost-amcheck-"));
afterAll(() => rm(root, { recursive: true, force: true }));
let written = 0;

/** Writes a case's file (and the files beside it) into a directory of its own. */
async function place(c: CheckCase): Promise<string> {
  const dir = join(root, String(written++));
  for (const [name, text] of Object.entries({ ...c.files, "alertmanager.yml": c.yaml })) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return join(dir, "alertmanager.yml");
}

async function amtoolAccepts(file: string): Promise<boolean> {
  const proc = Bun.spawn([AMTOOL, "check-config", file], { stdout: "ignore", stderr: "ignore" });
  return (await proc.exited) === 0;
}

/** What `outpost check` finds: undefined when it accepts the file, else its message. */
async function outpostProblem(file: string): Promise<string | undefined> {
  try {
    const config = await loadAlertmanagerConfig(file);
    if (config.templates.length > 0) await loadTemplateSet(config.templates);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TemplateError) return error.message;
    throw error;
  }
}

const title = (c: CheckCase) =>
  c.newer !== undefined
    ? `${c.name} is read by Outpost as Alertmanager ${c.newer} reads it, though amtool 0.25 refuses it`
    : `${c.name} is ${c.amtool === "accepts" ? "accepted" : "refused"} by Outpost as by amtool 0.25`;

const tables = {
  receivers: receiverCases,
  chat: chatCases,
  http: httpCases,
  tree: treeCases,
  yaml: yamlCases,
};

for (const [table, cases] of Object.entries(tables)) {
  describe(`alertmanager.yml side by side: ${table}`, () => {
    test.each(cases.map((c) => [title(c), c] as const))("%s", async (_, c) => {
      const file = await place(c);
      const [theirs, ours] = await Promise.all([amtoolAccepts(file), outpostProblem(file)]);
      expect({ case: c.name, amtool: theirs ? "accepts" : "refuses" }).toEqual({
        case: c.name,
        amtool: c.amtool,
      });
      if (c.newer !== undefined || c.amtool === "accepts") {
        expect({ case: c.name, outpost: ours }).toEqual({ case: c.name, outpost: undefined });
        return;
      }
      expect(ours).toContain(c.names!);
      // A config problem names the file's line; a template problem is Go's, as amtool prints it.
      if (!/template|pattern|directory/.test(c.names!)) {
        expect(ours).toMatch(/alertmanager\.yml:\d+:\d+: /);
      }
    });
  });
}

test("the side-by-side tables cover each integration, refusals and newer fields", () => {
  const all = Object.values(tables).flat();
  expect(all.length).toBeGreaterThanOrEqual(250);
  for (const kind of [
    "webhook",
    "email",
    "pagerduty",
    "slack",
    "discord",
    "opsgenie",
    "telegram",
    "victorops",
    "pushover",
    "sns",
    "wechat",
    "webex",
    "msteams",
  ]) {
    expect(all.some((c) => c.yaml.includes(`${kind}_configs`))).toBe(true);
  }
  expect(all.filter((c) => c.newer !== undefined).length).toBeGreaterThanOrEqual(10);
});
