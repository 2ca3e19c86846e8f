import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { readText, readTextIfExists } from "../read.ts";
import { sumSocketTable, TCP_STATES } from "./socket_table.ts";

const NAME = "node_tcp_connection_states";

/**
 * node_exporter's `tcpstat` collector: TCP sockets by state, plus the bytes in their receive
 * and send queues, over IPv4 and (when present) IPv6. node_exporter asks the kernel over
 * netlink (inet_diag); this reads the same sockets from /proc/net/tcp{,6}. As in
 * node_exporter, only states with sockets are written. One difference: for a listening socket
 * inet_diag reports the accept backlog limit as its send queue, /proc its true send queue (0),
 * so tx_queued_bytes is lower here by the sum of listen backlogs.
 */
export const tcpstatCollector: HostCollector = {
  name: "tcpstat",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const v4 = `${ctx.paths.proc}/net/tcp`;
    const sums = [sumSocketTable(readText(v4), v4)];
    const v6 = `${ctx.paths.proc}/net/tcp6`;
    const text6 = readTextIfExists(v6);
    if (text6 !== null) sums.push(sumSocketTable(text6, v6));
    w.family(NAME, "gauge", "Number of connection states.");
    for (let st = 1; st < TCP_STATES.length; st++) {
      let n = 0;
      for (const s of sums) n += s.states[st];
      if (n > 0) w.sample(NAME, ["state", TCP_STATES[st]], n);
    }
    if (sums.every((s) => s.sockets === 0)) return;
    let rx = 0;
    let tx = 0;
    for (const s of sums) {
      rx += s.rxQueue;
      tx += s.txQueue;
    }
    w.sample(NAME, ["state", "rx_queued_bytes"], rx);
    w.sample(NAME, ["state", "tx_queued_bytes"], tx);
  },
};
