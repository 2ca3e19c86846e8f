/**
 * The rabbitmq_prometheus plugin's families (its aggregated `/metrics`) rebuilt from the
 * management API where the API has the same numbers: the node's `/api/nodes/<node>`, the
 * overview's object totals, and the sums of `/api/queues`. Names, types and HELP are the
 * plugin's (RabbitMQ 3.10), so its dashboards and the pack's rules read either source.
 */
import type { MetricType } from "../../../../shared/model/sample.ts";
import type { FamilyWriter } from "../family_writer.ts";

type Json = Record<string, unknown>;
/** `[field, name, type, help]`; the type "unknown" is the plugin's untyped. */
type Row = readonly [string, string, MetricType, string];

/** Parses a table of `field name type help…` lines. */
function table(text: string): Row[] {
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [field, name, type, ...help] = line.trim().split(/ +/);
      return [field, `rabbitmq_${name}`, type as MetricType, help.join(" ")] as const;
    });
}

/** Fields of `/api/nodes/<node>`. */
const NODE = table(`
mem_limit           resident_memory_limit_bytes      gauge   Memory high watermark in bytes
mem_used            process_resident_memory_bytes    gauge   Memory used in bytes
disk_free           disk_space_available_bytes       gauge   Disk space available in bytes
disk_free_limit     disk_space_available_limit_bytes gauge   Free disk space low watermark in bytes
fd_used             process_open_fds                 gauge   Open file descriptors
fd_total            process_max_fds                  gauge   Open file descriptors limit
sockets_used        process_open_tcp_sockets         gauge   Open TCP sockets
sockets_total       process_max_tcp_sockets          gauge   Open TCP sockets limit
proc_used           erlang_processes_used            gauge   Erlang processes used
proc_total          erlang_processes_limit           gauge   Erlang processes limit
run_queue           erlang_scheduler_run_queue       gauge   Erlang scheduler run queue
mem_alarm           alarms_memory_used_watermark     unknown is 1 if VM memory watermark alarm is in effect
disk_free_alarm     alarms_free_disk_space_watermark unknown is 1 if free disk space watermark alarm is in effect
gc_num              erlang_gc_runs_total             counter Total number of Erlang garbage collector runs
gc_bytes_reclaimed  erlang_gc_reclaimed_bytes_total  counter Total number of bytes of memory reclaimed by Erlang garbage collector
io_read_count       io_read_ops_total                counter Total number of I/O read operations
io_read_bytes       io_read_bytes_total              counter Total number of I/O bytes read
io_write_count      io_write_ops_total               counter Total number of I/O write operations
io_write_bytes      io_write_bytes_total             counter Total number of I/O bytes written
io_sync_count       io_sync_ops_total                counter Total number of I/O sync operations
io_seek_count       io_seek_ops_total                counter Total number of I/O seek operations
io_reopen_count     io_reopen_ops_total              counter Total number of times files have been reopened
connection_created  connections_opened_total         counter Total number of connections opened
connection_closed   connections_closed_total         counter Total number of connections closed or terminated
channel_created     channels_opened_total            counter Total number of channels opened
channel_closed      channels_closed_total            counter Total number of channels closed
queue_declared      queues_declared_total            counter Total number of queues declared
queue_created       queues_created_total             counter Total number of queues created
queue_deleted       queues_deleted_total             counter Total number of queues deleted
msg_store_read_count     msg_store_read_total        counter Total number of Message Store read operations
msg_store_write_count    msg_store_write_total       counter Total number of Message Store write operations
queue_index_read_count   queue_index_read_ops_total  counter Total number of Queue Index read operations
queue_index_write_count  queue_index_write_ops_total counter Total number of Queue Index write operations
mnesia_ram_tx_count      schema_db_ram_tx_total      counter Total number of Schema DB memory transactions
mnesia_disk_tx_count     schema_db_disk_tx_total     counter Total number of Schema DB disk transactions
net_ticktime             erlang_net_ticktime_seconds gauge   Inter-node heartbeat interval
`);

/** `object_totals` of `/api/overview`. */
const TOTALS = table(`
connections  connections  gauge  Connections currently open
channels     channels     gauge  Channels currently open
consumers    consumers    gauge  Consumers currently connected
queues       queues       gauge  Queues available
`);

/** Fields of each queue in `/api/queues`, summed over the node's queues. */
const QUEUES = table(`
messages_ready               queue_messages_ready            gauge   Messages ready to be delivered to consumers
messages_unacknowledged      queue_messages_unacked          gauge   Messages delivered to consumers but not yet acknowledged
messages                     queue_messages                  gauge   Sum of ready and unacknowledged messages - total queue depth
consumers                    queue_consumers                 gauge   Consumers on a queue
messages_ram                 queue_messages_ram              gauge   Ready and unacknowledged messages stored in memory
message_bytes_ram            queue_messages_ram_bytes        gauge   Size of ready and unacknowledged messages stored in memory
messages_ready_ram           queue_messages_ready_ram        gauge   Ready messages stored in memory
messages_unacknowledged_ram  queue_messages_unacked_ram      gauge   Unacknowledged messages stored in memory
messages_persistent          queue_messages_persistent       gauge   Persistent messages
message_bytes_persistent     queue_messages_persistent_bytes gauge   Size in bytes of persistent messages
message_bytes                queue_messages_bytes            gauge   Size in bytes of ready and unacknowledged messages
message_bytes_ready          queue_messages_ready_bytes      gauge   Size in bytes of ready messages
message_bytes_unacknowledged queue_messages_unacked_bytes    gauge   Size in bytes of all unacknowledged messages
messages_paged_out           queue_messages_paged_out        gauge   Messages paged out to disk
message_bytes_paged_out      queue_messages_paged_out_bytes  gauge   Size in bytes of messages paged out to disk
publish                      queue_messages_published_total  counter Total number of messages published to queues
`);

/** The `columns` asked of `/api/queues`, so a node with many queues answers little. */
export const QUEUE_COLUMNS = [
  "node",
  ...QUEUES.map((r) => r[0]).filter((f) => f !== "publish"),
  "message_stats.publish",
];

/** What one management-API collection read. */
export interface ManagementData {
  overview: Json;
  node: Json;
  queues: Json[];
  /** `internal_cluster_id`'s value, when the user may read global parameters. */
  clusterId: string;
}

const num = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : undefined;

/** Writes the plugin's families the management API can give. */
export function writeManagement(f: FamilyWriter, d: ManagementData): void {
  const node = String(d.overview.node ?? d.node.name ?? "");
  const identity = [
    "rabbitmq_node",
    node,
    "rabbitmq_cluster",
    String(d.overview.cluster_name ?? ""),
  ];
  identity.push("rabbitmq_cluster_permanent_id", d.clusterId);
  f.sample(
    "rabbitmq_identity_info",
    "unknown",
    "RabbitMQ node & cluster identity info",
    identity,
    1,
  );
  for (const [field, name, type, help] of NODE) {
    const v = num(d.node[field]);
    if (v !== undefined) f.sample(name, type, help, [], v);
  }
  const uptime = num(d.node.uptime);
  if (uptime !== undefined)
    f.sample("rabbitmq_erlang_uptime_seconds", "gauge", "Node uptime", [], uptime / 1000);
  const totals = (d.overview.object_totals ?? {}) as Json;
  for (const [field, name, type, help] of TOTALS) {
    const v = num(totals[field]);
    if (v !== undefined) f.sample(name, type, help, [], v);
  }
  // The plugin's aggregated queue families count this node's queues (their leaders' node).
  const local = d.queues.filter((q) => q.node === undefined || q.node === node);
  for (const [field, name, type, help] of QUEUES) {
    let sum = 0;
    for (const q of local)
      sum += num(field === "publish" ? ((q.message_stats ?? {}) as Json).publish : q[field]) ?? 0;
    f.sample(name, type, help, [], sum);
  }
}
