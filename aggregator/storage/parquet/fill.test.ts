import { describe, expect, test } from "bun:test";
import { labelsFromRecord } from "../../../shared/model/labels.ts";
import { isStaleAt } from "../../../shared/model/sample.ts";
import { building, Filler, finish, sampleRun } from "./fill.ts";

/** A run of one file: [file, [t, value | "stale"][]]. */
type Run = [number, [number, number | "stale"][]];

const HASH = 0x1234_5678_9abc_def0n;

/** Feeds runs of one series to a Filler; the samples kept, or "disordered". */
function fill(runs: Run[]): [number, number | "stale"][] | "disordered" {
  const s = building(labelsFromRecord({ __name__: "up" }), HASH, 2);
  const filler = new Filler([s]);
  for (const [file, samples] of runs) {
    const valid = new Uint8Array(Math.ceil(samples.length / 8)).fill(0xff);
    samples.forEach(([, v], i) => {
      if (v === "stale") valid[i >> 3] &= ~(1 << (i & 7));
    });
    const run = sampleRun(
      Float64Array.from(samples, ([t]) => t),
      Float64Array.from(samples, ([, v]) => (v === "stale" ? 0 : v)),
      valid,
    );
    filler.addRun(0x9abc_def0, 0x1234_5678, file, run, 0, samples.length);
  }
  if (s.disordered) return "disordered";
  const done = finish(s);
  const words = new Uint32Array(done.values.buffer, done.values.byteOffset, 2 * done.values.length);
  return [...done.timestamps].map((t, i) => [t, isStaleAt(words, i) ? "stale" : done.values[i]]);
}

describe("Filler.addRun()", () => {
  const cases: [string, Run[], ReturnType<typeof fill>][] = [
    [
      "appends runs of later files and keeps staleness markers",
      [
        [
          0,
          [
            [1, 1],
            [2, "stale"],
          ],
        ],
        [1, [[3, 3]]],
      ],
      [
        [1, 1],
        [2, "stale"],
        [3, 3],
      ],
    ],
    [
      "lets a later file replace the sample at the same time",
      [
        [
          0,
          [
            [1, 1],
            [2, 2],
          ],
        ],
        [
          1,
          [
            [2, 20],
            [3, 30],
          ],
        ],
      ],
      [
        [1, 1],
        [2, 20],
        [3, 30],
      ],
    ],
    [
      "grows past the row count it was given",
      [
        [
          0,
          [
            [1, 1],
            [2, 2],
            [3, 3],
          ],
        ],
      ],
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    ],
    [
      "marks the series when a run starts before the last sample",
      [
        [0, [[2, 2]]],
        [1, [[1, 1]]],
      ],
      "disordered",
    ],
    [
      "marks the series when an earlier file comes second at the same time",
      [
        [1, [[2, 2]]],
        [0, [[2, 1]]],
      ],
      "disordered",
    ],
    [
      "marks the series when a run is not ascending",
      [
        [
          0,
          [
            [2, 2],
            [1, 1],
          ],
        ],
      ],
      "disordered",
    ],
  ];
  test.each(cases)("%s", (_name, runs, want) => {
    expect(fill(runs)).toEqual(want);
  });

  test("skips runs of series it was not given", () => {
    const s = building(["__name__", "up"], HASH, 1);
    const filler = new Filler([s]);
    const run = sampleRun(new Float64Array([1]), new Float64Array([1]), null);
    filler.addRun(0x9abc_def0, 0x1234_5679, 0, run, 0, 1);
    expect(s.length).toBe(0);
  });

  test.each([
    ["a short run, copied word by word", 5],
    ["a long run, copied by set()", 100],
  ])("keeps every value's bits, a NaN's payload too: %s", (_name, n) => {
    const s = building(["__name__", "up"], HASH, n);
    const values = Float64Array.from({ length: n }, (_, i) => i / 3);
    const words = new Uint32Array(values.buffer);
    // A NaN whose payload is not the one JavaScript makes, and a −0.
    words[2] = 1;
    words[3] = 0x7ff8_0000;
    values[3] = -0;
    const run = sampleRun(
      Float64Array.from({ length: n }, (_, i) => i),
      values,
      null,
    );
    new Filler([s]).addRun(0x9abc_def0, 0x1234_5678, 0, run, 0, n);
    const done = finish(s);
    expect([...new Uint32Array(done.values.buffer, 0, 2 * n)]).toEqual([...words]);
    expect([...done.timestamps]).toEqual([...run.ts]);
  });
});
