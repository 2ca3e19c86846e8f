import { expect, test } from "bun:test";
import { RecordingWriter } from "../testing.ts";
import { readTimex, type Timex, writeTimex } from "./timex.ts";

const SYNCED: Timex = {
  state: 0,
  offset: -250,
  freq: 655360, // 10 ppm in adjtimex's 16-bit fraction
  maxerror: 16_000,
  esterror: 500,
  status: 0x1,
  constant: 7,
  tick: 10_000,
  ppsfreq: 65536,
  jitter: 3,
  shift: 4,
  stabil: 131072,
  jitcnt: 1,
  calcnt: 2,
  errcnt: 3,
  stbcnt: 4,
  tai: 37,
};

function written(t: Timex): RecordingWriter {
  const w = new RecordingWriter();
  writeTimex(w, t);
  return w;
}

test("writeTimex() converts adjtimex's units as node_exporter does", () => {
  const w = written(SYNCED);
  expect(w.value("node_timex_sync_status")).toBe(1);
  expect(w.value("node_timex_offset_seconds")).toBe(-0.00025);
  expect(w.value("node_timex_frequency_adjustment_ratio")).toBe(1.00001);
  expect(w.value("node_timex_maxerror_seconds")).toBe(0.016);
  expect(w.value("node_timex_estimated_error_seconds")).toBe(0.0005);
  expect(w.value("node_timex_tick_seconds")).toBe(0.01);
  expect(w.value("node_timex_pps_frequency_hertz")).toBe(0.000001);
  expect(w.value("node_timex_pps_stability_hertz")).toBe(0.000002);
  expect(w.value("node_timex_pps_jitter_seconds")).toBe(0.000003);
  expect(w.value("node_timex_pps_shift_seconds")).toBe(4);
  expect(w.value("node_timex_tai_offset_seconds")).toBe(37);
  expect(w.families.get("node_timex_pps_error_total")?.type).toBe("counter");
  expect(w.families.size).toBe(17);
});

test("writeTimex() reads offset and jitter in ns under STA_NANO and TIME_ERROR as unsynced", () => {
  const w = written({ ...SYNCED, state: 5, status: 0x2000 | 0x40, offset: 1500, jitter: 2000 });
  expect(w.value("node_timex_sync_status")).toBe(0);
  expect(w.value("node_timex_offset_seconds")).toBe(0.0000015);
  expect(w.value("node_timex_pps_jitter_seconds")).toBe(0.000002);
  expect(w.value("node_timex_status")).toBe(0x2040);
});

test("readTimex() calls adjtimex(2) on this kernel: a 100 Hz or faster tick, a sane state", () => {
  const t = readTimex();
  expect(t.state).toBeGreaterThanOrEqual(0);
  expect(t.state).toBeLessThanOrEqual(5);
  expect(t.tick).toBeGreaterThan(0);
  expect(t.tick).toBeLessThanOrEqual(10_000);
  expect(t.maxerror).toBeGreaterThanOrEqual(0);
});
