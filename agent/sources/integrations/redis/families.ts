/**
 * redis_exporter 1.45's names for INFO fields, read off its output against Redis 7.0 (Debian
 * 12's pair) and its source. A field not listed here is not exported, as in the exporter.
 * HELP is `<name without redis_> metric`, as the exporter writes it for these.
 */
import type { MetricType } from "../../../../shared/model/sample.ts";

/** One INFO field's family: its name without `redis_`, its type, a scale applied to the value. */
export interface FieldFamily {
  name: string;
  type: MetricType;
  scale?: number;
}

const same = (fields: string, type: MetricType): [string, FieldFamily][] =>
  fields
    .trim()
    .split(/\s+/)
    .map((f) => [f, { name: f, type }]);

const renamed = (pairs: Record<string, string>, type: MetricType): [string, FieldFamily][] =>
  Object.entries(pairs).map(([f, name]) => [f, { name, type }]);

/** INFO field → family. */
export const INFO_FAMILIES: ReadonlyMap<string, FieldFamily> = new Map([
  ...same(
    `process_id uptime_in_seconds io_threads_active connected_clients cluster_connections
     blocked_clients tracking_clients clients_in_timeout_table number_of_cached_scripts
     client_longest_output_list client_biggest_input_buf
     allocator_frag_ratio allocator_frag_bytes allocator_rss_ratio allocator_rss_bytes
     mem_fragmentation_ratio mem_fragmentation_bytes mem_clients_slaves mem_clients_normal
     active_defrag_running lazyfree_pending_objects rdb_changes_since_last_save
     rdb_bgsave_in_progress rdb_last_bgsave_status aof_enabled aof_rewrite_in_progress
     aof_rewrite_scheduled aof_last_bgrewrite_status aof_last_write_status aof_pending_rewrite
     aof_buffer_length aof_rewrite_buffer_length aof_pending_bio_fsync aof_delayed_fsync
     module_fork_in_progress module_fork_last_cow_size pubsub_channels pubsub_patterns
     slave_expires_tracked_keys slave_priority tracking_total_keys tracking_total_items
     tracking_total_prefixes connected_slaves master_repl_offset second_repl_offset
     repl_backlog_first_byte_offset cluster_enabled`,
    "gauge",
  ),
  ...same(
    `unexpected_error_replies total_error_replies dump_payload_sanitizations
     total_reads_processed total_writes_processed io_threaded_reads_processed
     io_threaded_writes_processed`,
    "counter",
  ),
  ...renamed(
    {
      client_recent_max_output_buffer: "client_recent_max_output_buffer_bytes",
      client_recent_max_input_buffer: "client_recent_max_input_buffer_bytes",
      allocator_active: "allocator_active_bytes",
      allocator_allocated: "allocator_allocated_bytes",
      allocator_resident: "allocator_resident_bytes",
      used_memory: "memory_used_bytes",
      used_memory_rss: "memory_used_rss_bytes",
      used_memory_peak: "memory_used_peak_bytes",
      used_memory_lua: "memory_used_lua_bytes",
      used_memory_overhead: "memory_used_overhead_bytes",
      used_memory_startup: "memory_used_startup_bytes",
      used_memory_dataset: "memory_used_dataset_bytes",
      used_memory_scripts: "memory_used_scripts_bytes",
      maxmemory: "memory_max_bytes",
      mem_not_counted_for_evict: "mem_not_counted_for_eviction_bytes",
      expired_stale_perc: "expired_stale_percentage",
      migrate_cached_sockets: "migrate_cached_sockets_total",
      active_defrag_hits: "defrag_hits",
      active_defrag_misses: "defrag_misses",
      active_defrag_key_hits: "defrag_key_hits",
      active_defrag_key_misses: "defrag_key_misses",
      expired_time_cap_reached_count: "expired_time_cap_reached_total",
      loading: "loading_dump_file",
      rdb_last_save_time: "rdb_last_save_timestamp_seconds",
      rdb_last_bgsave_time_sec: "rdb_last_bgsave_duration_sec",
      rdb_current_bgsave_time_sec: "rdb_current_bgsave_duration_sec",
      rdb_last_cow_size: "rdb_last_cow_size_bytes",
      aof_last_rewrite_time_sec: "aof_last_rewrite_duration_sec",
      aof_current_rewrite_time_sec: "aof_current_rewrite_duration_sec",
      aof_last_cow_size: "aof_last_cow_size_bytes",
      aof_current_size: "aof_current_size_bytes",
      aof_base_size: "aof_base_size_bytes",
      repl_backlog_size: "replication_backlog_bytes",
      repl_backlog_active: "repl_backlog_is_active",
      repl_backlog_histlen: "repl_backlog_history_bytes",
      sync_full: "replica_resyncs_full",
      sync_partial_ok: "replica_partial_resync_accepted",
      sync_partial_err: "replica_partial_resync_denied",
    },
    "gauge",
  ),
  ["latest_fork_usec", { name: "latest_fork_seconds", type: "gauge", scale: 1e-6 }],
  ...renamed(
    {
      total_connections_received: "connections_received_total",
      total_commands_processed: "commands_processed_total",
      rejected_connections: "rejected_connections_total",
      total_net_input_bytes: "net_input_bytes_total",
      total_net_output_bytes: "net_output_bytes_total",
      expired_keys: "expired_keys_total",
      evicted_keys: "evicted_keys_total",
      keyspace_hits: "keyspace_hits_total",
      keyspace_misses: "keyspace_misses_total",
      used_cpu_sys: "cpu_sys_seconds_total",
      used_cpu_user: "cpu_user_seconds_total",
      used_cpu_sys_children: "cpu_sys_children_seconds_total",
      used_cpu_user_children: "cpu_user_children_seconds_total",
      used_cpu_sys_main_thread: "cpu_sys_main_thread_seconds_total",
      used_cpu_user_main_thread: "cpu_user_main_thread_seconds_total",
    },
    "counter",
  ),
]);

/** Families with HELP of their own (not `<name> metric`), name without `redis_`. */
export const HELP: Readonly<Record<string, string>> = {
  up: "Information about the Redis instance",
  instance_info: "Information about the Redis instance",
  start_time_seconds: "Start time of the Redis instance since unix epoch in seconds.",
  db_keys: "Total number of keys by DB",
  db_keys_expiring: "Total number of expiring keys by DB",
  db_avg_ttl_seconds: "Avg TTL in seconds",
  commands_total: "Total number of calls per command",
  commands_duration_seconds_total: "Total amount of time in seconds spent per command",
  commands_rejected_calls_total: "Total number of errors within command execution per command",
  commands_failed_calls_total: "Total number of errors prior command execution per command",
  latency_percentiles_usec: "A summary of latency percentile distribution per command",
  errors_total: "Total number of errors per error type",
  connected_slave_offset_bytes: "Offset of connected slave",
  connected_slave_lag_seconds: "Lag of connected slave",
  master_link_up: "Master link status on Redis slave",
  master_last_io_seconds_ago: "Master last io seconds ago",
  master_sync_in_progress: "Master sync in progress",
  slowlog_length: "Total slowlog",
  slowlog_last_id: "Last id of slowlog",
  last_slow_execution_duration_seconds:
    "The amount of time needed for last slow execution, in seconds",
  latency_spike_last: "When the latency spike last occurred",
  latency_spike_duration_seconds: "Length of the last latency spike in seconds",
};

/** The HELP redis_exporter gives a family (`name` without `redis_`). */
export function helpOf(name: string): string {
  return HELP[name] ?? `${name} metric`;
}
