import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "./load.ts";

/** A Telegram receiver with `chat_id` and a webhook with `max_alerts`, on line 4. */
const ints = (chatId: string, maxAlerts = "0") =>
  `route: {receiver: r}\nreceivers:\n  - name: r\n    telegram_configs: [{bot_token: t, chat_id: ${chatId}}]\n    webhook_configs: [{url: 'http://x/', max_alerts: ${maxAlerts}}]\n`;

const load = (text: string) => parseAlertmanagerConfig(text, "am.yml");

describe("alertmanager.yml scalars", () => {
  test.each([
    ["-9223372036854775808", "0"],
    ["!!int '5'", "18446744073709551615"],
    ["!!float 5", "0x10"],
  ])("take chat_id %s and max_alerts %s, in Go's int64 and uint64", (chatId, maxAlerts) => {
    expect(() => load(ints(chatId, maxAlerts))).not.toThrow();
  });

  test.each([
    [
      "9223372036854775808",
      "0",
      "am.yml:4:48: receivers[0].telegram_configs[0].chat_id: cannot unmarshal !!int `9223372036854775808` into int64",
    ],
    [
      "!!str 5",
      "0",
      "am.yml:4:54: receivers[0].telegram_configs[0].chat_id: cannot unmarshal !!str `5` into int64",
    ],
    [
      "1",
      "-1",
      "am.yml:5:54: receivers[0].webhook_configs[0].max_alerts: cannot unmarshal !!int `-1` into uint64",
    ],
  ])("refuse chat_id %s or max_alerts %s as yaml.v2 does", (chatId, maxAlerts, message) => {
    expect(() => load(ints(chatId, maxAlerts))).toThrow(message);
  });

  test("read a bool tagged !!bool even quoted, and refuse one tagged !!str", () => {
    const route = (flag: string) =>
      `route: {receiver: r, routes: [{continue: ${flag}}]}\nreceivers: [{name: r}]\n`;
    expect(load(route("!!bool 'yes'")).route.routes[0]!.continue).toBe(true);
    expect(() => load(route("!!str true"))).toThrow(
      "am.yml:1:48: route.routes[0].continue: cannot unmarshal !!str `true` into bool",
    );
  });

  test("decode a !!binary string, as yaml.v2 does", () => {
    const config = load("route: {receiver: !!binary cg==}\nreceivers: [{name: r}]\n");
    expect(config.route.receiver).toBe("r");
  });

  test("come from YAML 1.1 only: another %YAML version is refused", () => {
    expect(() => load("%YAML 1.2\n---\nroute: {receiver: r}\nreceivers: [{name: r}]\n")).toThrow(
      "am.yml:1:1: Cannot parse YAML: found incompatible YAML document (Alertmanager reads YAML 1.1)",
    );
    expect(() =>
      load("%YAML 1.1\n---\nroute: {receiver: r}\nreceivers: [{name: r}]\n"),
    ).not.toThrow();
  });
});
