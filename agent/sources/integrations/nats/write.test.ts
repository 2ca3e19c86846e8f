import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { RecordingWriter } from "../../host/testing.ts";
import { FamilyWriter } from "../family_writer.ts";
import { writeJsz } from "./jsz.ts";
import {
  goDuration,
  type Json,
  natsUptime,
  writeConnz,
  writeGeneric,
  writeRoutez,
} from "./write.ts";

/**
 * nats-server 2.9.10 (Debian 12) with JetStream, one client subscribed and publishing, a
 * stream ORDERS of 3 messages and a durable consumer `worker` (testdata/).
 */
const read = async (name: string): Promise<Json> =>
  JSON.parse(await Bun.file(join(import.meta.dir, `testdata/${name}.json`)).text());
const [varz, connz, subsz, routez, jsz] = await Promise.all(
  ["varz", "connz", "subsz", "routez", "jsz"].map(read),
);
const ID = "http://127.0.0.1:8222";
const NAME = String(varz.server_name);

const w = new RecordingWriter();
const f = new FamilyWriter(w);
writeGeneric(f, "varz", ID, varz);
writeConnz(f, ID, connz);
writeGeneric(f, "subsz", ID, subsz);
writeRoutez(f, ID, routez);
writeJsz(f, ID, NAME, jsz);

const server = {
  server_id: ID,
  server_name: NAME,
  is_meta_leader: "true",
};
const stream = {
  ...server,
  account: "$G",
  account_id: "$G",
  stream_name: "ORDERS",
  stream_leader: NAME,
  is_stream_leader: "true",
};

describe("prometheus-nats-exporter's families", () => {
  test.each([
    ["gnatsd_varz_connections", { server_id: ID }, 1],
    ["gnatsd_varz_in_msgs", { server_id: ID }, 7],
    ["gnatsd_varz_slow_consumers", { server_id: ID }, 0],
    ["gnatsd_varz_max_payload", { server_id: ID }, 1048576],
    ["gnatsd_varz_version", { server_id: ID, value: "2.9.10" }, 1],
    ["gnatsd_varz_start", { server_id: ID }, Date.parse(String(varz.start))],
    ["gnatsd_connz_num_connections", { server_id: ID }, 1],
    ["gnatsd_connz_in_msgs", { server_id: ID }, 7],
    ["gnatsd_connz_in_bytes", { server_id: ID }, 177],
    ["gnatsd_connz_subscriptions", { server_id: ID }, 2],
    ["gnatsd_connz_limit", { server_id: ID }, 1024],
    ["gnatsd_subsz_num_subscriptions", { server_id: ID }, Number(subsz.num_subscriptions)],
    ["gnatsd_routez_num_routes", { server_id: ID }, 0],
    ["jetstream_server_total_streams", server, 1],
    ["jetstream_server_total_consumers", server, 1],
    ["jetstream_server_total_messages", server, 3],
    ["jetstream_server_jetstream_disabled", server, 0],
    ["jetstream_stream_total_messages", stream, 3],
    ["jetstream_stream_last_seq", stream, 3],
    ["jetstream_stream_consumer_count", stream, 1],
  ] as const)("%s%o is %d", (name, labels, value) => {
    expect(w.value(name, labels)).toBe(value);
  });

  test("a consumer's gauges carry its name, description and creation time", () => {
    const s = w.samples.find((x) => x.name === "jetstream_consumer_num_pending");
    expect(s?.labels).toMatchObject({
      consumer_name: "worker",
      consumer_desc: "the worker",
      is_consumer_leader: "true",
    });
    expect(s?.labels.consumer_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(s?.value).toBe(3);
  });

  test.each([
    ["gnatsd_varz_mem", "gauge", "mem"],
    ["gnatsd_connz_in_bytes", "counter", "in_bytes"],
    ["gnatsd_connz_pending_bytes", "gauge", "pending_bytes"],
    ["jetstream_server_max_storage", "gauge", "JetStream Max Storage"],
  ])("%s is a %s with HELP %s", (name, type, help) => {
    expect(w.families.get(name)).toEqual({ type: type as "gauge", help });
  });

  test("nested objects of /varz are flattened, other strings left out", () => {
    expect(w.value("gnatsd_varz_jetstream_config_max_memory", { server_id: ID })).toBe(18957382656);
    expect(w.families.get("gnatsd_varz_jetstream_stats_api_total")?.help).toBe(
      "jetstream_stats_api_total",
    );
    expect(w.families.has("gnatsd_varz_jetstream_config_store_dir")).toBe(false);
    expect(w.families.has("gnatsd_varz_host")).toBe(false);
    expect(w.families.has("gnatsd_varz_uptime")).toBe(false);
  });
});

describe("durations", () => {
  test.each([
    ["1.5ms", 0.0015],
    ["2h3m", 7380],
    ["", null],
    ["7d", null],
  ] as const)("goDuration(%p) is %p", (text, want) => {
    expect(goDuration(text)).toBe(want);
  });

  test.each([
    ["7d13h49m13s", 7 * 86400 + 13 * 3600 + 49 * 60 + 13],
    ["1y2d", 367 * 86400],
    ["soon", null],
  ] as const)("natsUptime(%p) is %p", (text, want) => {
    expect(natsUptime(text)).toBe(want);
  });
});
