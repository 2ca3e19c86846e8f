/**
 * The methods of `time.Time` a template may call (`{{ .StartsAt.Format "15:04" }}`,
 * `{{ (toTime $value).Unix }}`): the one kind of Go method call the engine supports.
 */
import type { FuncMap } from "./func.ts";
import { formatTime, timeString } from "./time.ts";
import { GoTime, type Value } from "./values.ts";

const t = (v: Value) => v as GoTime;

/** Methods by name; the receiver is the first argument, `params` are the rest. */
export const timeMethods: FuncMap = {
  Format: { params: ["string"], fn: (r, layout) => formatTime(t(r), layout as string) },
  String: { params: [], fn: (r) => timeString(t(r)) },
  Unix: { params: [], fn: (r) => floorDiv(t(r).nanos, 1_000_000_000n) },
  UnixMilli: { params: [], fn: (r) => floorDiv(t(r).nanos, 1_000_000n) },
  UnixNano: { params: [], fn: (r) => t(r).nanos },
  UTC: { params: [], fn: (r) => new GoTime(t(r).nanos, "UTC") },
  IsZero: { params: [], fn: (r) => t(r).nanos === GO_ZERO },
};

/** Go's zero time (year 1) in nanoseconds since 1970. */
export const GO_ZERO = -62135596800n * 1_000_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}
