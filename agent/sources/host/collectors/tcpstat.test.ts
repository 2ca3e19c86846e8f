import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectWith } from "../testing.ts";
import { tcpstatCollector } from "./tcpstat.ts";
import { udpQueuesCollector } from "./udp_queues.ts";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n";

/** A proc tree with the given /proc/net files. */
function tree(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "outpost-tcp-"));
  mkdirSync(join(dir, "proc", "net"), { recursive: true });
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(dir, "proc", "net", name), text);
  return { proc: join(dir, "proc"), sys: join(dir, "sys"), root: dir };
}

test("the tcpstat collector counts the fixture's sockets by state over IPv4 and IPv6", async () => {
  const w = await collectWith(tcpstatCollector);
  expect(w.families.get("node_tcp_connection_states")).toEqual({
    type: "gauge",
    help: "Number of connection states.",
  });
  // testdata/a/proc/net/tcp: 4 listening, 6 established, 8 in time_wait; tcp6: 2 listening.
  expect(w.lines()).toEqual([
    'node_tcp_connection_states{state="established"} 6',
    'node_tcp_connection_states{state="listen"} 6',
    'node_tcp_connection_states{state="rx_queued_bytes"} 0',
    'node_tcp_connection_states{state="time_wait"} 8',
    'node_tcp_connection_states{state="tx_queued_bytes"} 0',
  ]);
});

test("the tcpstat collector sums queued bytes and writes only states that have sockets", async () => {
  const w = await collectWith(
    tcpstatCollector,
    tree({
      tcp: `${HEADER}   0: 0100007F:8125 0100007F:D2F0 01 0000001A:00000100 00:00000000 00000000 0\n   1: 0100007F:8125 0100007F:D2F2 02 00000001:00000000 00:00000000 00000000 0\n`,
    }),
  );
  expect(w.lines()).toEqual([
    'node_tcp_connection_states{state="established"} 1',
    'node_tcp_connection_states{state="rx_queued_bytes"} 256',
    'node_tcp_connection_states{state="syn_sent"} 1',
    'node_tcp_connection_states{state="tx_queued_bytes"} 27',
  ]);
});

test("the tcpstat collector names the file and line it cannot parse", async () => {
  const promise = collectWith(tcpstatCollector, tree({ tcp: `${HEADER}   0: garbage\n` }));
  await expect(promise).rejects.toThrow(/net\/tcp: line 2 is not a socket entry/);
});

test("the udp_queues collector sums the fixture's queued datagram bytes per IP version", async () => {
  const w = await collectWith(udpQueuesCollector);
  expect(w.lines()).toEqual([
    'node_udp_queues{ip="v4", queue="rx"} 2496',
    'node_udp_queues{ip="v4", queue="tx"} 0',
    'node_udp_queues{ip="v6", queue="rx"} 3840',
    'node_udp_queues{ip="v6", queue="tx"} 0',
  ]);
});

test("the udp_queues collector writes IPv4 alone when the host has no IPv6", async () => {
  const w = await collectWith(udpQueuesCollector, tree({ udp: HEADER }));
  expect(w.lines()).toEqual([
    'node_udp_queues{ip="v4", queue="rx"} 0',
    'node_udp_queues{ip="v4", queue="tx"} 0',
  ]);
});
