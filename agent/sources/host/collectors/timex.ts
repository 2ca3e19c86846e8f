import { dlopen, FFIType, ptr } from "bun:ffi";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { NoDataError } from "../errors.ts";

/**
 * The kernel's clock discipline state as adjtimex(2) returns it in `struct timex`: the fields
 * node_exporter reports, in the kernel's units.
 */
export interface Timex {
  /** adjtimex's return value: the clock state, TIME_ERROR (5) when unsynchronised. */
  state: number;
  offset: number;
  freq: number;
  maxerror: number;
  esterror: number;
  status: number;
  constant: number;
  tick: number;
  ppsfreq: number;
  jitter: number;
  shift: number;
  stabil: number;
  jitcnt: number;
  calcnt: number;
  errcnt: number;
  stbcnt: number;
  tai: number;
}

/**
 * Byte offsets of the fields of `struct timex` on 64-bit Linux (x86_64 and arm64 share the LP64
 * layout: long is 8 bytes, int 4 and padded to 8 where a long follows); 208 bytes in all.
 */
const LONGS = { offset: 8, freq: 16, maxerror: 24, esterror: 32, constant: 48, tick: 88 } as const;
const PPS_LONGS = { ppsfreq: 96, jitter: 104, stabil: 120, jitcnt: 128, calcnt: 136 } as const;
const MORE_LONGS = { errcnt: 144, stbcnt: 152 } as const;
const INTS = { status: 40, shift: 112, tai: 160 } as const;
const TIMEX_SIZE = 208;
const TIME_ERROR = 5;
const STA_NANO = 0x2000;
/** adjtimex's frequencies are ppm with a 16-bit binary fraction (see NOTES in adjtimex(2)). */
const PPM16FRAC = 1_000_000 * 65_536;

type Adjtimex = (buf: DataView) => number;
let adjtimex: Adjtimex | null = null;

/**
 * Binds libc's adjtimex through bun:ffi once (about 2 µs a call after that). Only 64-bit Linux
 * has the layout above; elsewhere there is nothing to read, as with node_exporter off Linux.
 */
function bind(): Adjtimex {
  if (adjtimex) return adjtimex;
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) {
    throw new NoDataError(`adjtimex is not read on ${process.platform}/${process.arch}`);
  }
  const libc = dlopen("libc.so.6", { adjtimex: { args: [FFIType.ptr], returns: FFIType.i32 } });
  const call = libc.symbols.adjtimex;
  adjtimex = (buf) => call(ptr(buf)) as number;
  return adjtimex;
}

/** Reads the clock state with adjtimex(2) in read-only mode (modes = 0). */
export function readTimex(): Timex {
  const call = bind();
  const view = new DataView(new ArrayBuffer(TIMEX_SIZE));
  const state = call(view);
  if (state < 0) throw new Error("Cannot read the kernel clock state: adjtimex(2) failed");
  const out: Record<string, number> = { state };
  for (const table of [LONGS, PPS_LONGS, MORE_LONGS]) {
    for (const [name, at] of Object.entries(table)) out[name] = Number(view.getBigInt64(at, true));
  }
  for (const [name, at] of Object.entries(INTS)) out[name] = view.getInt32(at, true);
  return out as unknown as Timex;
}

/** One node_timex_* family: name, type, HELP and its value from the clock state. */
type Family = [name: string, type: "gauge" | "counter", help: string, value: (t: Timex) => number];

/** node_exporter's families in its order, each with the conversion it applies. */
const FAMILIES: Family[] = [
  [
    "node_timex_sync_status",
    "gauge",
    "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
    (t) => (t.state === TIME_ERROR ? 0 : 1),
  ],
  [
    "node_timex_offset_seconds",
    "gauge",
    "Time offset in between local system and reference clock.",
    (t) => t.offset / divisor(t),
  ],
  [
    "node_timex_frequency_adjustment_ratio",
    "gauge",
    "Local clock frequency adjustment.",
    (t) => 1 + t.freq / PPM16FRAC,
  ],
  ["node_timex_maxerror_seconds", "gauge", "Maximum error in seconds.", (t) => t.maxerror / 1e6],
  [
    "node_timex_estimated_error_seconds",
    "gauge",
    "Estimated error in seconds.",
    (t) => t.esterror / 1e6,
  ],
  ["node_timex_status", "gauge", "Value of the status array bits.", (t) => t.status],
  ["node_timex_loop_time_constant", "gauge", "Phase-locked loop time constant.", (t) => t.constant],
  ["node_timex_tick_seconds", "gauge", "Seconds between clock ticks.", (t) => t.tick / 1e6],
  [
    "node_timex_pps_frequency_hertz",
    "gauge",
    "Pulse per second frequency.",
    (t) => t.ppsfreq / PPM16FRAC,
  ],
  [
    "node_timex_pps_jitter_seconds",
    "gauge",
    "Pulse per second jitter.",
    (t) => t.jitter / divisor(t),
  ],
  ["node_timex_pps_shift_seconds", "gauge", "Pulse per second interval duration.", (t) => t.shift],
  [
    "node_timex_pps_stability_hertz",
    "gauge",
    "Pulse per second stability, average of recent frequency changes.",
    (t) => t.stabil / PPM16FRAC,
  ],
  [
    "node_timex_pps_jitter_total",
    "counter",
    "Pulse per second count of jitter limit exceeded events.",
    (t) => t.jitcnt,
  ],
  [
    "node_timex_pps_calibration_total",
    "counter",
    "Pulse per second count of calibration intervals.",
    (t) => t.calcnt,
  ],
  [
    "node_timex_pps_error_total",
    "counter",
    "Pulse per second count of calibration errors.",
    (t) => t.errcnt,
  ],
  [
    "node_timex_pps_stability_exceeded_total",
    "counter",
    "Pulse per second count of stability limit exceeded events.",
    (t) => t.stbcnt,
  ],
  [
    "node_timex_tai_offset_seconds",
    "gauge",
    "International Atomic Time (TAI) offset.",
    (t) => t.tai,
  ],
];

/** Offsets and jitter are in ns when STA_NANO is set, in µs otherwise. */
function divisor(t: Timex): number {
  return (t.status & STA_NANO) !== 0 ? 1e9 : 1e6;
}

const NO_LABELS: string[] = [];

/** Writes node_exporter's node_timex_* families for one clock state. */
export function writeTimex(w: MetricWriter, t: Timex): void {
  for (const [name, type, help, value] of FAMILIES) {
    w.family(name, type, help);
    w.sample(name, NO_LABELS, value(t));
  }
}

/**
 * node_exporter's `timex` collector: the kernel clock's synchronisation state from adjtimex(2),
 * called through bun:ffi since no file in /proc holds it. It reads the running kernel whatever
 * procfs points at, as node_exporter's does.
 */
export const timexCollector: HostCollector = {
  name: "timex",
  collect(w: MetricWriter, _ctx: CollectContext): void {
    writeTimex(w, readTimex());
  },
};
