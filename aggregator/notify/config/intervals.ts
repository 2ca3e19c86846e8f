/** `time_intervals` and `mute_time_intervals`: named lists of time intervals, names unique. */

import type { TimeInterval } from "../timeinterval/model.ts";
import { parseTimeInterval, type WrittenInterval } from "../timeinterval/parse.ts";
import type { Section } from "./integrations.ts";
import { fieldPos, placeOf, type ShapeDecoder } from "./shape.ts";

/** Reads both sections into one map by name, refusing unnamed and repeated intervals. */
export function decodeIntervals(raw: Section, d: ShapeDecoder): Map<string, TimeInterval[]> {
  const out = new Map<string, TimeInterval[]>();
  for (const [key, what] of [
    ["mute_time_intervals", "mute time interval"],
    ["time_intervals", "time interval"],
  ]) {
    for (const named of (raw[key] as Section[] | undefined) ?? []) {
      const path = placeOf(named).path;
      const name = (named.name as string | undefined) ?? "";
      if (name === "") {
        d.fail(placeOf(named).at, path, "missing name in time interval");
        continue;
      }
      if (out.has(name)) {
        d.fail(fieldPos(named, "name"), path, `${what} ${JSON.stringify(name)} is not unique`);
        continue;
      }
      const intervals = ((named.time_intervals as Section[] | undefined) ?? []).map((w) =>
        parseTimeInterval(w as WrittenInterval, (field, reason) =>
          d.fail(fieldPos(w, field), `${placeOf(w).path}.${field}`, reason),
        ),
      );
      out.set(name, intervals);
    }
  }
  return out;
}
