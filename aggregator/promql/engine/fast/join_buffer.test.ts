import { expect, test } from "bun:test";
import { labelsFromRecord } from "../../../../shared/model/labels.ts";
import { hasStaleMarker, narrowed, writeStale } from "../../../../shared/model/sample.ts";
import type { CachedPart } from "../../../storage/cache/part.ts";
import { SelectedSeries } from "../data.ts";
import { joinedValues } from "./join_buffer.ts";

/** A stored series of `parts`, joined as storage joins it (timestamps and values end to end). */
function stored(parts: CachedPart[]): SelectedSeries {
  const cat = (pick: (p: CachedPart) => Float64Array) => {
    const out = new Float64Array(parts.reduce((n, p) => n + p.timestamps.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(pick(p), at);
      at += p.timestamps.length;
    }
    return out;
  };
  const timestamps = cat((p) => p.timestamps);
  return new SelectedSeries({
    labels: labelsFromRecord({ __name__: "x" }),
    length: timestamps.length,
    timestamps,
    values: cat((p) => p.values),
    parts,
  });
}

function part(from: number, values: number[], narrow: boolean): CachedPart {
  const vs = Float64Array.from(values);
  const timestamps = Float64Array.from(values, (_, i) => from + i * 15_000);
  return { timestamps, values: vs, narrow: narrow ? (narrowed(vs) ?? undefined) : undefined };
}

test("joinedValues() joins narrow and wide slices end to end, a staleness marker kept", () => {
  const wide = part(30_000, [0.5, 2, 7], false);
  writeStale(new Uint32Array(wide.values.buffer), 1);
  const s = stored([part(0, [3, 4], true), wide]);
  const got = joinedValues(s);
  expect(Array.from(got.subarray(0, 2))).toEqual([3, 4]);
  expect(got[2]).toBe(0.5);
  expect(got[4]).toBe(7);
  expect(hasStaleMarker(got)).toBe(true);
  expect(got.length).toBe(5);
});

test("joinedValues() reuses one buffer from series to series", () => {
  const a = joinedValues(stored([part(0, [1, 2], true), part(30_000, [3], false)]));
  const buffer = a.buffer;
  const b = joinedValues(stored([part(0, [9], false), part(15_000, [8, 7], true)]));
  expect(b.buffer).toBe(buffer);
  expect(Array.from(b)).toEqual([9, 8, 7]);
});
