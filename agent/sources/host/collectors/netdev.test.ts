import { describe, expect, test } from "bun:test";
import { fixtureContext, RecordingWriter } from "../testdata/b/harness.ts";
import { netdevCollector } from "./netdev.ts";

function collect(fixture: string, netDevicesExclude?: RegExp): RecordingWriter {
  const w = new RecordingWriter();
  netdevCollector.collect(
    w,
    fixtureContext(fixture, netDevicesExclude ? { netDevicesExclude } : {}),
  );
  return w;
}

describe("netdevCollector", () => {
  test("writes node_exporter 1.5.0's seventeen counter families per device", () => {
    const w = collect("host");
    expect(w.names()).toEqual([
      "node_network_receive_bytes_total",
      "node_network_receive_compressed_total",
      "node_network_receive_drop_total",
      "node_network_receive_errs_total",
      "node_network_receive_fifo_total",
      "node_network_receive_frame_total",
      "node_network_receive_multicast_total",
      "node_network_receive_nohandler_total",
      "node_network_receive_packets_total",
      "node_network_transmit_bytes_total",
      "node_network_transmit_carrier_total",
      "node_network_transmit_colls_total",
      "node_network_transmit_compressed_total",
      "node_network_transmit_drop_total",
      "node_network_transmit_errs_total",
      "node_network_transmit_fifo_total",
      "node_network_transmit_packets_total",
    ]);
    expect(w.families.get("node_network_transmit_colls_total")).toEqual({
      type: "counter",
      help: "Network device statistic transmit_colls.",
    });
    expect(w.value("node_network_receive_bytes_total", { device: "eth0" })).toBe(216931386);
  });

  test.each([
    ["the default filter", undefined, ["docker0", "eth0"]],
    ["no filter", /^$/, ["docker0", "eth0", "lo"]],
    ["a filter of its own", /^(lo|docker\d+)$/, ["eth0"]],
  ])("writes the devices that %s leaves", (_name, filter, devices) => {
    const w = collect("edge", filter);
    expect(w.labelValues("node_network_receive_packets_total", "device")).toEqual(devices);
  });

  test("maps each /proc/net/dev column to its family", () => {
    const w = collect("edge");
    const columns = [
      "receive_bytes",
      "receive_packets",
      "receive_errs",
      "receive_drop",
      "receive_fifo",
      "receive_frame",
      "receive_compressed",
      "receive_multicast",
      "transmit_bytes",
      "transmit_packets",
      "transmit_errs",
      "transmit_drop",
      "transmit_fifo",
      "transmit_colls",
      "transmit_carrier",
      "transmit_compressed",
    ];
    const values = columns.map((c) => w.value(`node_network_${c}_total`, { device: "docker0" }));
    expect(values).toEqual(columns.map((_c, i) => i + 1));
  });

  test("reads receive_nohandler from sysfs, as 0 where sysfs lacks the device", () => {
    const w = collect("edge");
    expect(w.value("node_network_receive_nohandler_total", { device: "eth0" })).toBe(7);
    expect(w.value("node_network_receive_nohandler_total", { device: "docker0" })).toBe(0);
  });

  test("keeps 64-bit counters as the nearest double", () => {
    const w = collect("edge");
    expect(w.value("node_network_receive_bytes_total", { device: "eth0" })).toBe(2 ** 64);
  });

  test("throws when /proc/net/dev is missing", () => {
    expect(() => collect("none")).toThrow(/^Cannot read network device statistics: ENOENT/);
  });
});
