import { describe, expect, test } from "bun:test";
import { RecordingWriter } from "../../host/testing.ts";
import { FamilyWriter } from "../family_writer.ts";
import { type ManagementData, writeManagement } from "./management.ts";

/** Fields as RabbitMQ 3.10's management API names them (a subset of a real node's answer). */
const data: ManagementData = {
  overview: {
    node: "rabbit@vm",
    cluster_name: "rabbit@vm",
    object_totals: { connections: 2, channels: 3, consumers: 1, queues: 2, exchanges: 7 },
  },
  node: {
    name: "rabbit@vm",
    mem_limit: 1000,
    mem_used: 400,
    mem_alarm: false,
    disk_free_alarm: true,
    fd_total: 1024,
    uptime: 9188,
    gc_num: 12922,
    io_read_count: 1,
  },
  queues: [
    {
      node: "rabbit@vm",
      messages: 5,
      messages_ready: 4,
      messages_unacknowledged: 1,
      message_stats: { publish: 9 },
    },
    { node: "rabbit@vm", messages: 2, messages_ready: 2, messages_unacknowledged: 0 },
    // A queue whose leader is another node: that node's plugin counts it, not this one's.
    { node: "rabbit@other", messages: 100, messages_ready: 100, messages_unacknowledged: 0 },
  ],
  clusterId: "rabbitmq-cluster-id-x5Zq",
};

describe("writeManagement()", () => {
  const w = new RecordingWriter();
  writeManagement(new FamilyWriter(w), data);

  test.each([
    ["rabbitmq_resident_memory_limit_bytes", 1000],
    ["rabbitmq_process_resident_memory_bytes", 400],
    ["rabbitmq_alarms_memory_used_watermark", 0],
    ["rabbitmq_alarms_free_disk_space_watermark", 1],
    ["rabbitmq_process_max_fds", 1024],
    ["rabbitmq_erlang_uptime_seconds", 9.188],
    ["rabbitmq_erlang_gc_runs_total", 12922],
    ["rabbitmq_connections", 2],
    ["rabbitmq_queues", 2],
    ["rabbitmq_queue_messages", 7],
    ["rabbitmq_queue_messages_ready", 6],
    ["rabbitmq_queue_messages_unacked", 1],
    ["rabbitmq_queue_messages_published_total", 9],
  ] as const)("%s is %d", (name, value) => {
    expect(w.value(name)).toBe(value);
  });

  test("identity carries the node, cluster and permanent id, as the plugin's does", () => {
    const labels = {
      rabbitmq_node: "rabbit@vm",
      rabbitmq_cluster: "rabbit@vm",
      rabbitmq_cluster_permanent_id: "rabbitmq-cluster-id-x5Zq",
    };
    expect(w.value("rabbitmq_identity_info", labels)).toBe(1);
    expect(w.families.get("rabbitmq_identity_info")?.type).toBe("unknown");
  });

  test("a field the API does not give leaves its family out", () => {
    expect(w.families.has("rabbitmq_process_open_fds")).toBe(false);
    expect(w.families.get("rabbitmq_io_read_ops_total")?.type).toBe("counter");
  });
});
