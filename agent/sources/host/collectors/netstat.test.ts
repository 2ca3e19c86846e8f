import { describe, expect, test } from "bun:test";
import { fixtureContext, RecordingWriter } from "../testdata/b/harness.ts";
import { createNetstatCollector, netstatCollector } from "./netstat.ts";

function collect(fixture: string, collector = netstatCollector): RecordingWriter {
  const w = new RecordingWriter();
  collector.collect(w, fixtureContext(fixture));
  return w;
}

describe("netstatCollector", () => {
  test("writes the fields of netstat, snmp and snmp6 that the default filter keeps", () => {
    const w = collect("host");
    const names = w.names();
    for (const name of [
      "node_netstat_Icmp6_InMsgs",
      "node_netstat_Ip6_InOctets",
      "node_netstat_IpExt_OutOctets",
      "node_netstat_Ip_Forwarding",
      "node_netstat_TcpExt_ListenDrops",
      "node_netstat_Tcp_CurrEstab",
      "node_netstat_UdpLite6_InErrors",
      "node_netstat_Udp_SndbufErrors",
    ]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain("node_netstat_Tcp_MaxConn");
    expect(names).not.toContain("node_netstat_TcpExt_TW");
    // As many as node_exporter 1.5.0 wrote from the same files on the machine they came from.
    expect(names.length).toBe(40);
  });

  test("declares each field as untyped with node_exporter's HELP", () => {
    expect(collect("host").families.get("node_netstat_Ip6_InOctets")).toEqual({
      type: "unknown",
      help: "Statistic Ip6InOctets.",
    });
  });

  test.each([
    ["node_netstat_TcpExt_ListenOverflows", 2],
    ["node_netstat_TcpExt_TCPTimeouts", 4],
    ["node_netstat_IpExt_InOctets", 1000],
    ["node_netstat_Ip_Forwarding", 1],
    ["node_netstat_Tcp_ActiveOpens", 12],
    ["node_netstat_Tcp_InErrs", 0],
    ["node_netstat_Udp_InErrors", 7],
  ])("reads %s from its column", (name, value) => {
    expect(collect("edge").value(name)).toBe(value);
  });

  test("does without snmp6 when IPv6 is off", () => {
    expect(
      collect("edge")
        .names()
        .some((n) => n.includes("6_")),
    ).toBe(false);
  });

  test("takes a field filter of its own", () => {
    const w = collect("edge", createNetstatCollector(/^Tcp_(MaxConn|RtoAlgorithm)$/));
    expect(w.samples.map((s) => [s.name, s.value])).toEqual([
      ["node_netstat_Tcp_RtoAlgorithm", 1],
      ["node_netstat_Tcp_MaxConn", -1],
    ]);
  });

  test("throws when /proc/net/netstat is missing", () => {
    expect(() => collect("none")).toThrow(/^Cannot read network statistics: ENOENT/);
  });
});
