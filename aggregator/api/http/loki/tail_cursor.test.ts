import { describe, expect, test } from "bun:test";
import type { StreamResult } from "../../../logs/result.ts";
import { TailCursor, tailFrame } from "./tail_cursor.ts";

const a = { app: "a" };
const b = { app: "b" };

describe("TailCursor", () => {
  // [what, polls (each a list of streams), lines each poll must yield]
  const cases: [string, StreamResult[][], string[][]][] = [
    [
      "sends each line once across polls that start at the last time sent",
      [
        [
          {
            stream: a,
            values: [
              ["10", "x"],
              ["20", "y"],
            ],
          },
        ],
        [
          {
            stream: a,
            values: [
              ["20", "y"],
              ["30", "z"],
            ],
          },
        ],
      ],
      [["a 10 x", "a 20 y"], ["a 30 z"]],
    ],
    [
      "keeps a new line that shares the last time sent",
      [
        [{ stream: a, values: [["20", "y"]] }],
        [
          { stream: a, values: [["20", "y"]] },
          { stream: b, values: [["20", "y"]] },
        ],
      ],
      [["a 20 y"], ["b 20 y"]],
    ],
    [
      "sends a repeated identical line at the last time sent as a line of its own",
      [
        [{ stream: a, values: [["20", "y"]] }],
        [
          {
            stream: a,
            values: [
              ["20", "y"],
              ["20", "y"],
            ],
          },
        ],
      ],
      [["a 20 y"], ["a 20 y"]],
    ],
    [
      "puts values oldest first whatever order the engine gave",
      [
        [
          {
            stream: a,
            values: [
              ["30", "z"],
              ["10", "x"],
            ],
          },
        ],
      ],
      [["a 10 x", "a 30 z"]],
    ],
    [
      "drops lines older than the cursor",
      [
        [
          {
            stream: a,
            values: [
              ["5", "old"],
              ["40", "new"],
            ],
          },
        ],
      ],
      [["a 40 new"]],
    ],
  ];
  for (const [what, polls, expected] of cases) {
    test(what, () => {
      const cursor = new TailCursor(10n);
      const got = polls.map((p) =>
        cursor
          .take(p)
          .streams.flatMap((s) => s.values.map((v) => `${s.stream.app} ${v[0]} ${v[1]}`)),
      );
      expect(got).toEqual(expected);
    });
  }

  test("moves to the newest time it sent", () => {
    const cursor = new TailCursor(0n);
    cursor.take([
      {
        stream: a,
        values: [
          ["7", "x"],
          ["9", "y"],
        ],
      },
    ]);
    expect(cursor.ns).toBe(9n);
  });
});

describe("tailFrame()", () => {
  test("writes Loki 3's frame, without dropped_entries when none were dropped", () => {
    const frame = tailFrame([
      { stream: { job: "x" }, values: [["1700000000000000001", 'say "hi"']] },
    ]);
    expect(JSON.parse(frame)).toEqual({
      streams: [{ stream: { job: "x" }, values: [["1700000000000000001", 'say "hi"']] }],
    });
  });
});
