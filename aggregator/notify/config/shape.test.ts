import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "./load.ts";

const CRASH = "empty entry: Alertmanager 0.25 crashes on it; remove it or fill it in";

describe("null list entries", () => {
  test.each([
    [
      "a receiver",
      "route: {receiver: r}\nreceivers:\n  - name: r\n  -\n",
      `am.yml:4:4: receivers[1]: ${CRASH}`,
    ],
    [
      "a child route",
      "route:\n  receiver: r\n  routes:\n    - receiver: r\n    - null\nreceivers: [{name: r}]\n",
      `am.yml:5:7: route.routes[1]: ${CRASH}`,
    ],
    [
      "an integration",
      "route: {receiver: r}\nreceivers:\n  - name: r\n    webhook_configs: [null]\n",
      `am.yml:4:23: receivers[0].webhook_configs[0]: ${CRASH}`,
    ],
  ])("are refused for %s, on which Alertmanager 0.25 crashes", (_, text, message) => {
    expect(() => parseAlertmanagerConfig(text, "am.yml")).toThrow(message);
  });

  test.each([
    ["group_by", "group_by: [a, null]", 'route: invalid label name "" in group_by list'],
    [
      "a child's mute_time_intervals",
      "routes: [{mute_time_intervals: [null]}]",
      'route: undefined time interval "" used in route',
    ],
  ])("in %s are the empty string, as Alertmanager reads them", (_, route, message) => {
    const text = `route:\n  receiver: r\n  ${route}\nreceivers: [{name: r}]\n`;
    expect(() => parseAlertmanagerConfig(text, "am.yml")).toThrow(message);
  });

  test("are left out of the lists whose entries Alertmanager does not check", () => {
    const text =
      "route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules: [null, {equal: [null]}]\ntime_intervals: [null]\n";
    const config = parseAlertmanagerConfig(text, "am.yml");
    expect(config.inhibitRules).toHaveLength(1);
  });
});
