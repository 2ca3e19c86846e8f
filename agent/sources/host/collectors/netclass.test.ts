import { describe, expect, test } from "bun:test";
import { NoDataError } from "../errors.ts";
import { fixtureContext, RecordingWriter } from "../testdata/b/harness.ts";
import { netclassCollector, parseGoInt } from "./netclass.ts";

function collect(fixture: string): RecordingWriter {
  const w = new RecordingWriter();
  netclassCollector.collect(w, fixtureContext(fixture));
  return w;
}

describe("netclassCollector", () => {
  test("covers every device, loopback included, but not bonding_masters", () => {
    const w = collect("host");
    expect(w.labelValues("node_network_up", "device")).toEqual(["eth0", "ifb0", "lo"]);
    expect(w.value("node_network_up", { device: "eth0" })).toBe(1);
    expect(w.value("node_network_up", { device: "lo" })).toBe(0);
  });

  test("writes the attributes of a device that is up", () => {
    const w = collect("edge");
    const eth0 = Object.fromEntries(
      w.samples.filter((s) => s.labels.device === "eth0").map((s) => [s.name, s.value]),
    );
    expect(eth0).toEqual({
      node_network_up: 1,
      node_network_info: 1,
      node_network_address_assign_type: 0,
      node_network_carrier: 1,
      node_network_carrier_changes_total: 4,
      node_network_carrier_up_changes_total: 2,
      node_network_carrier_down_changes_total: 2,
      node_network_device_id: 0,
      node_network_dormant: 0,
      node_network_flags: 4099,
      node_network_iface_id: 2,
      node_network_iface_link: 2,
      node_network_iface_link_mode: 0,
      node_network_mtu_bytes: 9000,
      node_network_name_assign_type: 4,
      node_network_net_dev_group: 0,
      node_network_speed_bytes: 1_250_000_000,
      node_network_transmit_queue_length: 1000,
      node_network_protocol_type: 1,
    });
    expect(w.find("node_network_info", { device: "eth0" })[0].labels).toEqual({
      device: "eth0",
      address: "52:54:00:12:34:56",
      broadcast: "ff:ff:ff:ff:ff:ff",
      duplex: "full",
      operstate: "up",
      ifalias: "uplink",
    });
  });

  test("skips attributes a device cannot report and reads one that does not parse as 0", () => {
    const w = collect("edge");
    const wlan0 = w.samples.filter((s) => s.labels.device === "wlan0").map((s) => s.name);
    expect(wlan0.sort()).toEqual([
      "node_network_flags",
      "node_network_iface_id",
      "node_network_info",
      "node_network_mtu_bytes",
      "node_network_protocol_type",
      "node_network_speed_bytes",
      "node_network_up",
    ]);
    expect(w.value("node_network_up", { device: "wlan0" })).toBe(0);
    expect(w.value("node_network_protocol_type", { device: "wlan0" })).toBe(0);
  });

  test("writes an unknown speed as -125000, as node_exporter 1.5.0 does by default", () => {
    expect(collect("edge").value("node_network_speed_bytes", { device: "wlan0" })).toBe(-125000);
  });

  test("gives the HELP node_exporter derives from each metric name", () => {
    const w = collect("edge");
    expect(w.families.get("node_network_carrier_changes_total")).toEqual({
      type: "counter",
      help: "Network device property: carrier_changes_total",
    });
    expect(w.families.get("node_network_up")?.help).toBe(
      "Value is 1 if operstate is 'up', 0 otherwise.",
    );
  });

  test("reports no data where /sys/class/net does not exist", () => {
    expect(() => collect("fallback")).toThrow(NoDataError);
  });
});

describe("parseGoInt", () => {
  test.each([
    ["1500", 1500],
    ["-1", -1],
    ["0x1003", 4099],
    ["0X1f", 31],
    ["0x", undefined],
    ["", undefined],
    ["12a", undefined],
    ["bogus", undefined],
  ])("reads %p as %p", (text, value) => {
    expect(parseGoInt(text)).toBe(value);
  });
});
