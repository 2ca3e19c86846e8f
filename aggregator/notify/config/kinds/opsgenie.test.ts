import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "../load.ts";

const opsgenie = (responders: string) =>
  [
    "route: {receiver: r}",
    "receivers:",
    "  - name: r",
    "    opsgenie_configs:",
    "      - api_key: k",
    `        responders: ${responders}`,
  ].join("\n");

const AT = "receivers[0].opsgenie_configs[0].responders[0]";

describe("opsgenie_configs responders", () => {
  test.each([
    [
      "a type Opsgenie does not have",
      "[{type: group, id: x}]",
      `am.yml:6:29: ${AT}.type: opsGenieConfig responder type "group" does not match valid options ^(team|teams|user|escalation|schedule)$`,
    ],
    [
      "no type",
      "[{id: x}]",
      `am.yml:6:22: ${AT}.type: opsGenieConfig responder type "" does not match valid options`,
    ],
    [
      "a type with a space",
      "[{type: ' team', id: x}]",
      `${AT}.type: opsGenieConfig responder type " team" does not match`,
    ],
    [
      "neither id, name nor username",
      "[{type: team}]",
      `am.yml:6:22: ${AT}: opsGenieConfig responder has to have at least one of id, username or name specified`,
    ],
    [
      "an empty entry (Alertmanager holds responders as values)",
      "[null]",
      `am.yml:6:22: ${AT}: opsGenieConfig responder has to have at least one of id, username or name specified`,
    ],
  ])("are refused with %s", (_, responders, message) => {
    expect(() => parseAlertmanagerConfig(opsgenie(responders), "am.yml")).toThrow(message);
  });

  test.each([
    ["any case of a type", "[{type: TEAMS, name: ops}, {type: User, username: u}]"],
    ["a templated type", "[{type: '{{ .CommonLabels.kind }}', id: x}]"],
    ["escalations and schedules", "[{type: escalation, name: e}, {type: schedule, id: s}]"],
  ])("are accepted with %s", (_, responders) => {
    expect(() => parseAlertmanagerConfig(opsgenie(responders), "am.yml")).not.toThrow();
  });
});
