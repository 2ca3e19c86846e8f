/**
 * memcached and NATS collected from real servers the harness starts, held against the
 * families their exporters write (lists from the exporters' source in test/fixtures/exporters,
 * as Debian ships neither exporter), with values checked against the servers' own answers
 * read here on a separate connection.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckPolicy, connect, type NatsConnection } from "nats";
import { MemcachedCollector } from "../../agent/sources/integrations/memcached/collector.ts";
import { MemcachedConnection } from "../../agent/sources/integrations/memcached/text.ts";
import { NatsCollector } from "../../agent/sources/integrations/nats/collector.ts";
import { fromOutpost } from "../harness/families.ts";
import { compareWithList, readFamilyList } from "../harness/family_list.ts";
import {
  seedMemcached,
  startMemcached,
  startNats,
  type TestMemcached,
  type TestNats,
} from "../harness/mq_services.ts";

setDefaultTimeout(60_000);

describe("memcached beside memcached_exporter's families", () => {
  let mc: TestMemcached;
  let raw: MemcachedConnection;

  beforeAll(async () => {
    mc = await startMemcached();
    await seedMemcached(mc);
    raw = await MemcachedConnection.open(mc.address, 5000);
  });
  afterAll(async () => {
    raw?.close();
    await mc?.stop();
  });

  test("every family has the exporter's name, type and labels; the rest are documented", async () => {
    const out = await fromOutpost(new MemcachedCollector({ address: mc.address }));
    const list = await readFamilyList("memcached_exporter.families");
    const r = await compareWithList("memcached_exporter", list, out);
    expect(r.shared).toBeGreaterThan(60);
  });

  test("settings, sizes and counts at rest equal the server's own stats", async () => {
    const out = await fromOutpost(new MemcachedCollector({ address: mc.address }));
    const stats = await raw.stats();
    const settings = await raw.stats("settings");
    const slabs = await raw.stats("slabs");
    const v = (s: string) => out.values.get(s);
    expect(v("memcached_up")).toBe(1);
    expect(v("memcached_limit_bytes")).toBe(Number(stats.get("limit_maxbytes")));
    expect(v("memcached_max_connections")).toBe(Number(settings.get("maxconns")));
    expect(v("memcached_current_items")).toBe(2);
    expect(v(`memcached_version{version="${stats.get("version")}"}`)).toBe(1);
    expect(v('memcached_commands_total{command="get", status="hit"}')).toBe(1);
    expect(v('memcached_commands_total{command="get", status="miss"}')).toBe(1);
    expect(v('memcached_commands_total{command="set", status="hit"}')).toBe(2);
    expect(v('memcached_slab_chunk_size_bytes{slab="1"}')).toBe(Number(slabs.get("1:chunk_size")));
    expect(v('memcached_slab_current_items{slab="1"}')).toBe(2);
  });

  test("a memcached that is not there fails the collection, naming it", async () => {
    const c = new MemcachedCollector({ address: "127.0.0.1:1" });
    await expect(fromOutpost(c)).rejects.toThrow(/127\.0\.0\.1:1/);
  });
});

describe("NATS beside prometheus-nats-exporter's families", () => {
  let nats: TestNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.address });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
    await jsm.consumers.add("ORDERS", { durable_name: "worker", ack_policy: AckPolicy.Explicit });
    const js = nc.jetstream();
    for (let i = 0; i < 4; i++) await js.publish("orders.new", new TextEncoder().encode(`o${i}`));
    nc.subscribe("plain.>");
    await nc.flush();
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  test("every family has the exporter's name, type and labels; the rest are documented", async () => {
    const out = await fromOutpost(new NatsCollector({ monitorUrl: nats.monitorUrl as string }));
    const list = await readFamilyList("prometheus-nats-exporter.families");
    const r = await compareWithList("prometheus-nats-exporter", list, out, ["nats_up"]);
    expect(r.shared).toBeGreaterThan(60);
  });

  test("values equal the monitoring endpoint's own answers", async () => {
    const url = nats.monitorUrl as string;
    const out = await fromOutpost(new NatsCollector({ monitorUrl: url }));
    const varz = (await (await fetch(`${url}/varz`)).json()) as Record<string, string | number>;
    const v = (s: string) => out.values.get(s);
    const id = `server_id="${url}"`;
    expect(v("nats_up")).toBe(1);
    expect(v(`gnatsd_varz_max_payload{${id}}`)).toBe(Number(varz.max_payload));
    expect(v(`gnatsd_varz_connections{${id}}`)).toBe(1);
    expect(v(`gnatsd_varz_start{${id}}`)).toBe(Date.parse(String(varz.start)));
    expect(v(`gnatsd_connz_num_connections{${id}}`)).toBe(1);
    const server = `is_meta_leader="true", server_id="${url}", server_name="${varz.server_name}"`;
    expect(v(`jetstream_server_total_streams{${server}}`)).toBe(1);
    expect(v(`jetstream_server_total_messages{${server}}`)).toBe(4);
  });

  test("found by probing the server's ports: the monitoring one answers /varz", async () => {
    const port = Number(new URL(nats.monitorUrl as string).port);
    const out = await fromOutpost(new NatsCollector({ ports: [nats.port, port] }));
    expect(out.values.get("nats_up")).toBe(1);
  });

  test("a server without a monitoring port is refused with what to enable, and logs nothing of it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "outpost-nats-log-"));
    const log = join(dir, "nats.log");
    const bare = await startNats({ monitor: false, log });
    try {
      const c = new NatsCollector({ ports: [bare.port] });
      // Looked for again at every collection, as the runner does after a refusal.
      for (let i = 0; i < 3; i++) {
        const err = await fromOutpost(c).catch((e) => e);
        expect(c.refusal(err)).toContain("start nats-server with a monitoring port (`-m 8222`");
        await c.close();
      }
      await Bun.sleep(200);
      // A GET on the client port was an [ERR] "Client parser ERROR" line in the server's log.
      expect(readFileSync(log, "utf8")).not.toContain("[ERR]");
    } finally {
      await bare.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
