import { expect, test } from "bun:test";
import { logSelectorFor } from "./split.ts";

test("logSelectorFor() keeps the series' labels that are log stream labels", () => {
  const labels = [
    { name: "__name__", value: "up" },
    { name: "instance", value: "web-1:9100" },
    { name: "job", value: "node" },
    { name: "mode", value: "idle" },
  ];
  expect(logSelectorFor(labels, ["job", "instance", "filename", "__name__"])).toBe(
    '{instance="web-1:9100", job="node"}',
  );
  expect(logSelectorFor(labels, ["filename"])).toBeNull();
  expect(logSelectorFor([{ name: "job", value: 'a"b' }], ["job"])).toBe('{job="a\\"b"}');
});
