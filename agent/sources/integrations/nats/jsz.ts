/**
 * prometheus-nats-exporter's JetStream families (`jetstream_server_*`, `jetstream_stream_*`,
 * `jetstream_consumer_*`) from /jsz with accounts, streams and consumers, as its jsz
 * collector writes them: all gauges, labelled by server, stream and consumer identity.
 */
import type { FamilyWriter } from "../family_writer.ts";
import type { Json } from "./write.ts";

const SERVER = [
  ["jetstream_disabled", "JetStream disabled or not"],
  ["max_memory", "JetStream Max Memory"],
  ["max_storage", "JetStream Max Storage"],
  ["total_streams", "Total number of streams in JetStream"],
  ["total_consumers", "Total number of consumers in JetStream"],
  ["total_messages", "Total number of stored messages in JetStream"],
  ["total_message_bytes", "Total number of bytes stored in JetStream"],
] as const;

const STREAM = [
  ["total_messages", "Total number of messages from a stream", "messages"],
  ["total_bytes", "Total stored bytes from a stream", "bytes"],
  ["first_seq", "First sequence from a stream", "first_seq"],
  ["last_seq", "Last sequence from a stream", "last_seq"],
  ["consumer_count", "Total number of consumers from a stream", "consumer_count"],
] as const;

const CONSUMER: readonly [string, string, (c: Json) => unknown][] = [
  [
    "delivered_consumer_seq",
    "Latest sequence number of a stream consumer",
    (c) => obj(c.delivered).consumer_seq,
  ],
  [
    "delivered_stream_seq",
    "Latest sequence number of a stream",
    (c) => obj(c.delivered).stream_seq,
  ],
  ["num_ack_pending", "Number of pending acks from a consumer", (c) => c.num_ack_pending],
  ["num_redelivered", "Number of redelivered messages from a consumer", (c) => c.num_redelivered],
  ["num_waiting", "Number of inflight fetch requests from a pull consumer", (c) => c.num_waiting],
  ["num_pending", "Number of pending messages from a consumer", (c) => c.num_pending],
  [
    "ack_floor_stream_seq",
    "Number of ack floor stream seq from a consumer",
    (c) => obj(c.ack_floor).stream_seq,
  ],
  [
    "ack_floor_consumer_seq",
    "Number of ack floor consumer seq from a consumer",
    (c) => obj(c.ack_floor).consumer_seq,
  ],
];

const obj = (v: unknown): Json => (v !== null && typeof v === "object" ? (v as Json) : {});
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A leader label pair: the leader's name and whether it is this server ("true" when not clustered). */
function leader(cluster: unknown, self: string): [string, string] {
  const c = obj(cluster);
  if (cluster === undefined || cluster === null) return ["", "true"];
  const name = str(c.leader);
  return [name, name === self ? "true" : "false"];
}

/** Writes /jsz's families; `serverName` is /varz's `server_name`. */
export function writeJsz(f: FamilyWriter, id: string, serverName: string, body: Json): void {
  const meta = body.meta_cluster === undefined ? null : obj(body.meta_cluster);
  const [metaLeader, isMeta] = meta ? leader(meta, serverName) : ["", "true"];
  const config = obj(body.config);
  const server = ["server_id", id, "server_name", serverName, "cluster", str(meta?.name)];
  server.push("domain", str(config.domain), "meta_leader", metaLeader, "is_meta_leader", isMeta);
  const values: Record<string, number> = {
    jetstream_disabled: body.disabled === true ? 1 : 0,
    max_memory: num(config.max_memory),
    max_storage: num(config.max_storage),
    total_streams: num(body.streams),
    total_consumers: num(body.consumers),
    total_messages: num(body.messages),
    total_message_bytes: num(body.bytes),
  };
  for (const [k, help] of SERVER)
    f.sample(`jetstream_server_${k}`, "gauge", help, server, values[k]);
  const accounts = Array.isArray(body.account_details) ? (body.account_details as Json[]) : [];
  for (const a of accounts)
    for (const s of Array.isArray(a.stream_detail) ? (a.stream_detail as Json[]) : []) {
      const [sl, isSl] = leader(s.cluster, serverName);
      const stream = [
        ...server,
        "account",
        str(a.name),
        "account_id",
        str(a.id),
        "stream_name",
        str(s.name),
      ];
      stream.push("stream_leader", sl, "is_stream_leader", isSl);
      const state = obj(s.state);
      for (const [k, help, field] of STREAM)
        f.sample(`jetstream_stream_${k}`, "gauge", help, stream, num(state[field]));
      for (const c of Array.isArray(s.consumer_detail) ? (s.consumer_detail as Json[]) : [])
        writeConsumer(f, stream, serverName, c);
    }
}

function writeConsumer(f: FamilyWriter, stream: string[], serverName: string, c: Json): void {
  const [cl, isCl] = leader(c.cluster, serverName);
  const created = Date.parse(str(c.created));
  const labels = [
    ...stream,
    "consumer_name",
    str(c.name),
    "consumer_leader",
    cl,
    "is_consumer_leader",
    isCl,
  ];
  labels.push("consumer_desc", str(obj(c.config).description));
  labels.push("consumer_created", Number.isNaN(created) ? "" : rfc3339(created));
  for (const [k, help, get] of CONSUMER)
    f.sample(`jetstream_consumer_${k}`, "gauge", help, labels, num(get(c)));
}

/** Go's time.RFC3339 in UTC (the exporter formats in its local zone; the agent runs in UTC). */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
