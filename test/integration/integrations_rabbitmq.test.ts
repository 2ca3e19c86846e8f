/**
 * RabbitMQ side by side on one node the harness starts (Debian's rabbitmq-server 3.10 as its
 * own node on free ports, management and Prometheus plugins on): the plugin's own page beside
 * what Outpost rebuilds from the management API (same names, types, HELP and labels; limits,
 * identity and queue depths at rest equal), and the plugin scraped through as it is when it
 * listens. The node takes ~10 s to start on an idle machine; when it cannot start within the
 * deadline the tests are skipped with the reason, not failed.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { RabbitmqCollector } from "../../agent/sources/integrations/rabbitmq/collector.ts";
import { rabbitmqLogs } from "../../agent/sources/integrations/rabbitmq/logs.ts";
import { documentedMissing, fromExporter, fromOutpost } from "../harness/families.ts";
import { guest, startRabbitmq } from "../harness/mq_services.ts";

setDefaultTimeout(120_000);

const rabbit = await startRabbitmq(90_000);
const skip = typeof rabbit === "string";
if (skip) console.warn(`Skipping the RabbitMQ tests: ${rabbit}`);
const node = skip ? null : rabbit;

afterAll(async () => {
  await node?.stop();
});

/** PUT a queue and publish `n` messages to it through the management API. */
async function fill(queue: string, n: number): Promise<void> {
  const api = node?.managementUrl as string;
  const headers = { ...guest(), "content-type": "application/json" };
  const put = await fetch(`${api}/api/queues/%2F/${queue}`, { method: "PUT", headers, body: "{}" });
  expect(put.ok).toBe(true);
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({
      properties: { delivery_mode: 2 },
      routing_key: queue,
      payload: `m${i}`,
      payload_encoding: "string",
    });
    const r = await fetch(`${api}/api/exchanges/%2F/amq.default/publish`, {
      method: "POST",
      headers,
      body,
    });
    expect(((await r.json()) as { routed: boolean }).routed).toBe(true);
  }
}

/** Gauges that are the same at rest from either source: limits, identity, object counts, depths. */
const STABLE =
  /^rabbitmq_(identity_info|resident_memory_limit_bytes|disk_space_available_limit_bytes|process_max_fds|process_max_tcp_sockets|erlang_processes_limit|alarms_(memory_used|free_disk_space)_watermark|queues|queue_messages(_ready|_unacked|_persistent|_bytes|_ready_bytes|_persistent_bytes)?|queue_consumers|queues_(declared|created|deleted)_total)(\{|$)/;

describe.skipIf(skip)("RabbitMQ: the plugin beside Outpost's management-API families", () => {
  // First of the file: a later test's probe of the AMQP port ("a detected node's ports are
  // probed") costs two bad_header lines of its own, which a loaded node can write after this
  // test's first count has settled: the likeliest cause of 4 counted for 2 in one CI run.
  test("an AMQP port is sent a GET once at most, not at every collection", async () => {
    // The node's AMQP port alone, on a number of the harness's choosing (5672 is never asked).
    const port = node?.port as number;
    const c = new RabbitmqCollector({ ports: [port], user: "guest" });
    // The node writes its log asynchronously, seconds late under load: counted once it has not
    // moved for 1.5 s (a fixed second read gave 6 where a loaded run's log went on to 8).
    const count = () =>
      readFileSync(node?.logFile as string, "utf8").split("bad_header").length - 1;
    const badHeaders = async () => {
      let last = count();
      for (let still = 0, i = 0; still < 3 && i < 40; i++) {
        await Bun.sleep(500);
        const now = count();
        still = now === last ? still + 1 : 0;
        last = now;
      }
      return last;
    };
    const collect = async () => {
      const err = await fromOutpost(c).catch((e) => e);
      await c.close();
      return err;
    };
    const before = await badHeaders();
    expect(c.refusal(await collect())).toContain(
      "neither its Prometheus plugin nor its management API",
    );
    // Before, each collection's two GETs were two `{bad_header,<<"GET /met">>}` errors there.
    expect((await badHeaders()) - before).toBeLessThanOrEqual(2);
    // A GET that timed out is not taken as "not HTTP" (a slow management API must not be left
    // out for good), so on a loaded machine the port may be learnt a collection or two later
    // (seen in full runs on 2026-11-28 and 2026-12-01, never alone). Whether it has been is
    // asked of the collector: the node's log, written late under load, cannot say when (a
    // collection that seemed to add nothing was followed by lines from its GETs, 2026-12-02).
    for (let i = 0; i < 4 && !c.isQuietPort(port); i++) await collect();
    expect(c.isQuietPort(port)).toBe(true);
    // Learnt: the next collections send the port nothing, so no line of its log is stamped
    // after now. Read by the node's own stamps (the event's time, however late it is written):
    // counting lines, 4 were seen for 2 in a full run, with the port learnt.
    const learntAt = Date.now();
    for (let i = 0; i < 2; i++) await collect();
    await badHeaders();
    const stamp = (line: string) => Date.parse(line.slice(0, 32).replace(" ", "T"));
    const after = readFileSync(node?.logFile as string, "utf8")
      .split("\n")
      .filter((line) => line.includes("bad_header") && stamp(line) > learntAt);
    expect(after).toEqual([]);
  }, 120_000);

  test("every family Outpost derives is the plugin's, with equal values at rest", async () => {
    await fill("orders", 5);
    await fill("invoices", 2);
    const api = new RabbitmqCollector({ managementUrl: node?.managementUrl, user: "guest" });
    // The management stats DB catches up within collect_statistics_interval (1 s here); the
    // queues' churn (declared, created) comes on its own round, later on a loaded machine.
    const caughtUp = (o: Awaited<ReturnType<typeof fromOutpost>>) =>
      o.values.get("rabbitmq_queue_messages") === 7 &&
      (o.values.get("rabbitmq_queues_declared_total") ?? 0) >= 2;
    let out = await fromOutpost(api);
    for (let i = 0; i < 50 && !caughtUp(out); i++) {
      await Bun.sleep(200);
      out = await fromOutpost(api);
    }
    const plugin = fromExporter(await (await fetch(node?.prometheusUrl as string)).text());
    const onlyOutpost = [...out.meta.keys()].filter(
      (n) => !plugin.meta.has(n) && n !== "rabbitmq_up",
    );
    expect(onlyOutpost).toEqual([]);
    for (const name of out.meta.keys()) {
      if (name === "rabbitmq_up") continue;
      expect({ name, ...out.meta.get(name) }).toEqual({ name, ...plugin.meta.get(name) });
      expect({ name, labels: [...(out.labelNames.get(name) ?? [])].sort() }).toEqual({
        name,
        labels: [...(plugin.labelNames.get(name) ?? [])].sort(),
      });
    }
    const compared: string[] = [];
    for (const [series, value] of plugin.values) {
      if (!STABLE.test(series)) continue;
      compared.push(series);
      expect({ series, value: out.values.get(series) }).toEqual({ series, value });
    }
    expect(compared.length).toBeGreaterThan(15);
    expect(out.values.get("rabbitmq_queue_messages")).toBe(7);
    const documented = await documentedMissing("rabbitmq_prometheus", "integrations-mq.md");
    const missing = [...plugin.meta.keys()].filter((n) => !out.meta.has(n));
    const undocumented = missing.filter(
      (n) => !documented.some((d) => (d.endsWith("*") ? n.startsWith(d.slice(0, -1)) : d === n)),
    );
    expect(undocumented).toEqual([]);
  });

  test("moving counters from the API lie between two plugin scrapes around them", async () => {
    const api = new RabbitmqCollector({ managementUrl: node?.managementUrl, user: "guest" });
    const scrape = async () =>
      fromExporter(await (await fetch(node?.prometheusUrl as string)).text());
    const before = await scrape();
    const out = await fromOutpost(api);
    const after = await scrape();
    for (const name of ["rabbitmq_erlang_gc_runs_total", "rabbitmq_connections_opened_total"]) {
      const v = out.values.get(name) as number;
      // The API's numbers are the stats DB's, up to one statistics interval old.
      expect(v).toBeLessThanOrEqual(after.values.get(name) as number);
      expect(v).toBeGreaterThan(0.5 * (before.values.get(name) as number));
    }
  });

  test("a detected node's ports are probed: the plugin is scraped through as it is", async () => {
    const ports = [node?.port, node?.managementUrl, node?.prometheusUrl].map((x) =>
      typeof x === "number" ? x : Number(new URL(String(x)).port),
    );
    const c = new RabbitmqCollector({ ports, user: "guest" });
    const out = await fromOutpost(c);
    const plugin = fromExporter(await (await fetch(node?.prometheusUrl as string)).text());
    expect([...out.meta.keys()].filter((n) => n !== "rabbitmq_up").sort()).toEqual(
      [...plugin.meta.keys()].sort(),
    );
    expect(out.values.get("rabbitmq_up")).toBe(1);
  });

  test("a wrong password is refused with what to create and set", async () => {
    const c = new RabbitmqCollector({
      managementUrl: node?.managementUrl,
      user: "outpost",
      password: async () => "wrong",
    });
    const err = await fromOutpost(c).catch((e) => e);
    expect(c.refusal(err)).toContain("set_user_tags outpost monitoring");
  });

  test("the node's log is found through the management API", async () => {
    const c = new RabbitmqCollector({ managementUrl: node?.managementUrl, user: "guest" });
    const [source] = await rabbitmqLogs(c, { key: "rabbitmq:1", instance: "x" });
    expect(source.include).toEqual([node?.logFile as string]);
  });
});
