import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAlertmanagerConfig } from "../aggregator/notify/config/load.ts";
import { ConfigError } from "../shared/config/errors.ts";
import {
  defaultAlertmanagerYaml,
  prepareAlertmanagerFile,
  upAlertmanagerFile,
} from "./up_alertmanager.ts";

describe("upAlertmanagerFile()", () => {
  const cases: [string, string | undefined, { path: string; isDefault: boolean }][] = [
    [
      "the data dir's default without the flag",
      undefined,
      { path: "/d/alertmanager.yml", isDefault: true },
    ],
    [
      "a relative flag made absolute against the working directory",
      "am.yml",
      { path: "/home/u/am.yml", isDefault: false },
    ],
    ["an absolute flag as given", "/etc/am.yml", { path: "/etc/am.yml", isDefault: false }],
  ];
  for (const [what, flag, want] of cases)
    test(`gives ${what}`, () => {
      expect(upAlertmanagerFile(flag, "/d", "/home/u")).toEqual(want);
    });
});

describe("defaultAlertmanagerYaml()", () => {
  const text = defaultAlertmanagerYaml("/d/alertmanager.yml", 9090);
  const config = parseAlertmanagerConfig(text, "/d/alertmanager.yml");

  test("routes everything to one receiver, local, without integrations", () => {
    expect(config.route.receiver).toBe("local");
    expect(config.route.routes).toEqual([]);
    expect(config.receivers.map((r) => [r.name, r.integrations.length])).toEqual([["local", 0]]);
  });

  test("groups by alertname and instance with Alertmanager's default timings", () => {
    const { groupBy, groupWait, groupInterval, repeatInterval } = config.route;
    expect(groupBy).toEqual(["alertname", "instance"]);
    expect([groupWait, groupInterval, repeatInterval]).toEqual([30_000, 5 * 60_000, 4 * 3_600_000]);
  });

  test("tells in comments how to add Slack, e-mail and webhook receivers and where the docs are", () => {
    for (const words of ["slack_configs:", "email_configs:", "webhook_configs:", "docs/notify.md"])
      expect(text).toContain(words);
    expect(text).toContain("amtool --alertmanager.url=http://127.0.0.1:9090 alert query");
    expect(text).toContain("outpost check /d/alertmanager.yml");
  });

  test("shows examples that load once uncommented", () => {
    const example = text
      .split("\n")
      .filter((l) => l.startsWith("#   ") || l === "#")
      .map((l) => l.slice(2).replace(/\s+#.*$/, ""))
      .join("\n");
    const receivers = example.slice(example.indexOf("receivers:"));
    const loaded = parseAlertmanagerConfig(`route: {receiver: local}\n${receivers}`, "example.yml");
    expect(loaded.receivers[0]?.integrations.map((i) => i.kind).sort()).toEqual([
      "email_configs",
      "slack_configs",
      "webhook_configs",
    ]);
  });
});

describe("prepareAlertmanagerFile()", () => {
  test("writes the default once and keeps the user's edit of it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "outpost-up-am-")), "data");
    const file = upAlertmanagerFile(undefined, dir, "/");
    await prepareAlertmanagerFile(file, 9090);
    expect(readFileSync(file.path, "utf8")).toBe(defaultAlertmanagerYaml(file.path, 9090));
    const edited = "route: {receiver: mine}\nreceivers: [{name: mine}]\n";
    writeFileSync(file.path, edited);
    await prepareAlertmanagerFile(file, 9090);
    expect(readFileSync(file.path, "utf8")).toBe(edited);
  });

  test("refuses a bad file with its file:line problems", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "outpost-up-am-")), "am.yml");
    writeFileSync(path, "route:\n  receiver: nobody\nreceivers:\n  - name: local\n");
    const error = await prepareAlertmanagerFile({ path, isDefault: false }, 9090).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(new RegExp(`^${path}:2:\\d+: `));
  });

  test("refuses a missing --alertmanager-config file instead of writing one", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "outpost-up-am-")), "missing.yml");
    const error = await prepareAlertmanagerFile({ path, isDefault: false }, 9090).catch((e) => e);
    expect((error as ConfigError).message).toBe(`${path}: Cannot read config file: no such file`);
  });
});
