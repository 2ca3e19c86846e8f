import { expect, test } from "bun:test";
import { HOST_COLLECTOR_NAMES } from "../config.ts";
import { HOST_COLLECTORS, selectCollectors } from "./index.ts";

test("every built-in collector is registered under its own name, which the config knows", () => {
  for (const [name, collector] of Object.entries(HOST_COLLECTORS)) {
    expect(collector.name).toBe(name);
    expect(HOST_COLLECTOR_NAMES as readonly string[]).toContain(name);
  }
});

test("selectCollectors() keeps the config's order", () => {
  expect(selectCollectors(["meminfo", "cpu"]).map((c) => c.name)).toEqual(["meminfo", "cpu"]);
});

test("selectCollectors() rejects a name without an implementation", () => {
  expect(() => selectCollectors(["cpu", "gpu"])).toThrow(
    'Cannot start the host source: collector "gpu" is not built in',
  );
});
