import { expect, test } from "bun:test";
import {
  flattenLines,
  holdLines,
  type LogsState,
  levelColor,
  levelOf,
  readLogs,
  selectorOf,
  streamOf,
  streamSelectorOf,
  writeLogs,
} from "./logs.ts";

const l = (name: string, value: string) => ({ name, value });

test("the state survives the URL, and a malformed range takes the default", () => {
  const s: LogsState = {
    query: '{app="api"} |= "x"',
    range: "15m",
    end: 1700000000000,
    order: "oldest",
    limit: 5000,
  };
  expect(readLogs(writeLogs(s))).toEqual(s);
  expect(readLogs("?q=a&range=bogus")).toEqual({
    query: "a",
    range: "1h",
    end: null,
    order: "newest",
    limit: 1000,
  });
  expect(readLogs("?q=a&limit=7").limit).toBe(1000);
});

test("lines come newest first across streams, with their level", () => {
  const lines = flattenLines([
    { labels: [l("level", "info")], entries: [{ timeNs: 1n, line: "a", metadata: [] }] },
    {
      labels: [l("app", "x")],
      entries: [{ timeNs: 2n, line: "b", metadata: [l("detected_level", "ERROR")] }],
    },
  ]);
  expect(lines.map((x) => [x.line, x.level])).toEqual([
    ["b", "error"],
    ["a", "info"],
  ]);
});

test("levels take their colours; metadata wins over labels", () => {
  expect(levelOf([l("level", "info")], [l("level", "warn")])).toBe("warn");
  expect(["error", "warn", "info", "debug"].map(levelColor)).toEqual([
    "red",
    "orange",
    "blue",
    "gray",
  ]);
});

test("the volume reads the stream selector", () => {
  expect(selectorOf('{app="api"} |= "x" | json')).toBe('{app="api"} |= "x"');
  expect(selectorOf('{a="}"} |~ `b"c` != "d\\"e" | logfmt |= "z"')).toBe(
    '{a="}"} |~ `b"c` != "d\\"e"',
  );
  expect(selectorOf("nonsense")).toBe("nonsense");
  // Twice in a row: the sticky pattern starts again at the beginning.
  expect(streamSelectorOf('{a="}"} |= "x"')).toBe('{a="}"}');
  expect(streamSelectorOf('{a="}"} |= "x"')).toBe('{a="}"}');
  expect(streamSelectorOf('|= "x"')).toBeNull();
});

test("streamOf() finds the stored stream under labels a parser added", () => {
  const line = [l("app", "api"), l("level", "warn"), l("seq", "3")];
  const candidates = [[l("app", "api")], [l("app", "api"), l("level", "warn")], [l("app", "web")]];
  expect(streamOf(line, candidates)).toEqual([l("app", "api"), l("level", "warn")]);
  expect(streamOf([l("app", "x")], candidates)).toBeNull();
});

test("holdLines() keeps the newest up to the cap and counts what it drops", () => {
  expect(holdLines([3, 2], [5, 4], 3)).toEqual({ kept: [5, 4, 3], dropped: 1 });
  expect(holdLines([], [1], 3)).toEqual({ kept: [1], dropped: 0 });
});
