import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "./load.ts";

const load = (text: string) => parseAlertmanagerConfig(text, "am.yml");
const RECEIVERS = "receivers: [{name: r}, {name: x}]\n";

describe("<< merge keys, read as yaml.v2 reads them", () => {
  test("override a field written before them in a section, and yield to one written after", () => {
    expect(load(`route:\n  receiver: r\n  <<: {receiver: x}\n${RECEIVERS}`).route.receiver).toBe(
      "x",
    );
    expect(load(`route:\n  <<: {receiver: x}\n  receiver: r\n${RECEIVERS}`).route.receiver).toBe(
      "r",
    );
  });

  test("take the first of a list of merged maps", () => {
    const text = `route:\n  <<: [{receiver: r}, {receiver: x}]\n${RECEIVERS}`;
    expect(load(text).route.receiver).toBe("r");
  });

  test("may not set a key of a map that is written there too", () => {
    const text = `route:\n  receiver: r\n  routes: [{match: {a: b, <<: {a: c}}}]\n${RECEIVERS}`;
    expect(() => load(text)).toThrow(
      'am.yml:3:31: route.routes[0].match: key "a" already set in map',
    );
  });

  test("merge maps only", () => {
    const text = `route:\n  receiver: r\n  <<: [{group_wait: 1s}, 5]\n${RECEIVERS}`;
    expect(() => load(text)).toThrow(
      "am.yml:3:7: route: map merge requires map or sequence of maps as the value",
    );
  });
});
