import { describe, expect, test } from "bun:test";
import { fixtureContext, RecordingWriter } from "../testdata/b/harness.ts";
import { pageSize, sockstatCollector } from "./sockstat.ts";

function collect(fixture: string): RecordingWriter {
  const w = new RecordingWriter();
  sockstatCollector.collect(w, fixtureContext(fixture));
  return w;
}

describe("sockstatCollector", () => {
  test("writes IPv4 and IPv6 socket counts by protocol and state", () => {
    const w = collect("host");
    expect(w.names()).toContain("node_sockstat_TCP6_inuse");
    expect(w.names()).toContain("node_sockstat_FRAG6_memory");
    expect(w.families.get("node_sockstat_TCP_tw")).toEqual({
      type: "gauge",
      help: "Number of TCP sockets in state tw.",
    });
    expect(w.families.get("node_sockstat_sockets_used")?.help).toBe(
      "Number of IPv4 sockets in use.",
    );
  });

  test.each([
    ["node_sockstat_sockets_used", 229],
    ["node_sockstat_TCP_alloc", 17],
    ["node_sockstat_TCP_mem", 1],
    ["node_sockstat_UDP_mem", 2],
    ["node_sockstat_FRAG_memory", 0],
    ["node_sockstat_SCTP_orphan", 3],
  ])("reads %s", (name, value) => {
    expect(collect("edge").value(name)).toBe(value);
  });

  test("converts mem from pages to bytes", () => {
    const w = collect("edge");
    expect(w.value("node_sockstat_TCP_mem_bytes")).toBe(pageSize());
    expect(w.value("node_sockstat_UDP_mem_bytes")).toBe(2 * pageSize());
    expect(w.value("node_sockstat_FRAG_mem_bytes")).toBeUndefined();
  });

  test("reports inuse as 0 for a protocol that lacks it and ignores unknown keys", () => {
    const w = collect("edge");
    expect(w.value("node_sockstat_SCTP_inuse")).toBe(0);
    expect(w.value("node_sockstat_SCTP_future")).toBeUndefined();
  });

  test("writes IPv4 counts alone when sockstat6 is missing, and nothing when both are", () => {
    expect(
      collect("edge")
        .names()
        .filter((n) => n.includes("6_")),
    ).toEqual([]);
    expect(collect("none").samples).toEqual([]);
  });

  test("reads the kernel's page size from the auxiliary vector", () => {
    expect(pageSize()).toBe(Number(Bun.spawnSync(["getconf", "PAGESIZE"]).stdout.toString()));
  });
});
