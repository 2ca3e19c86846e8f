import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "../load.ts";

/** A Slack receiver whose config holds `lines` from line 6 on. */
const slack = (...lines: string[]) =>
  [
    "route: {receiver: r}",
    "receivers:",
    "  - name: r",
    "    slack_configs:",
    "      - api_url: http://slack.example/hook",
    ...lines.map((l) => `        ${l}`),
  ].join("\n");

const AT = "receivers[0].slack_configs[0]";

// Refused as amtool 0.25 refuses them (its words), at the line of what is missing.
const refused: [string, string[], string][] = [
  [
    "a field without a value",
    ["fields:", "  - title: Host"],
    `am.yml:7:13: ${AT}.fields[0].value: missing value in Slack field configuration`,
  ],
  [
    "a field with an empty title",
    ["fields: [{title: '', value: v}]"],
    `am.yml:6:26: ${AT}.fields[0].title: missing title in Slack field configuration`,
  ],
  [
    "an action without a type",
    ["actions:", "  - text: Runbook", "    url: http://runbook/"],
    `am.yml:7:13: ${AT}.actions[0].type: missing type in Slack action configuration`,
  ],
  [
    "an action without a text",
    ["actions: [{type: button, url: 'http://runbook/'}]"],
    `am.yml:6:19: ${AT}.actions[0].text: missing text in Slack action configuration`,
  ],
  [
    "an action with neither url nor name",
    ["actions: [{type: button, text: t, value: v}]"],
    `am.yml:6:19: ${AT}.actions[0]: missing name or url in Slack action configuration`,
  ],
  [
    "a confirmation without a text",
    ["actions:", "  - {type: button, text: t, name: n, confirm: {title: Sure?}}"],
    `am.yml:7:55: ${AT}.actions[0].confirm.text: missing text in Slack confirmation configuration`,
  ],
  [
    "an action field Slack does not know",
    ["actions: [{type: button, text: t, url: u, colour: red}]"],
    `am.yml:6:51: ${AT}.actions[0]: field colour not found in slack action`,
  ],
];

describe("slack_configs", () => {
  test.each(refused)("are refused with %s, naming the line and field", (_, lines, message) => {
    expect(() => parseAlertmanagerConfig(slack(...lines), "am.yml")).toThrow(message);
  });

  test("take an action with a name and no url, an action url that is no URL, and null entries", () => {
    const text = slack(
      "actions: [{type: button, text: t, name: n}, {type: button, text: t, url: 'not a url'}, null]",
      "fields: [null, {title: a, value: b, short: true}]",
    );
    const config = parseAlertmanagerConfig(text, "am.yml");
    expect(config.receivers[0]!.integrations[0]!.config.actions).toHaveLength(2);
  });
});
