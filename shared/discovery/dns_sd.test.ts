import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type DnsmasqHandle, startDnsmasq } from "../../test/harness/dnsmasq.ts";
import { freePort } from "../../test/harness/ports.ts";
import type { Logger } from "../log/log.ts";
import { DnsDiscovery } from "./dns_sd.ts";
import type { DnsSdConfig } from "./dns_sd_config.ts";
import type { ResolverConfig } from "./resolv_conf.ts";

/** SRV records enough that their answer (~9 KB) cannot come over UDP and is asked over TCP. */
const MANY = 150;

let dns: DnsmasqHandle;
beforeAll(async () => {
  dns = await startDnsmasq([
    "--srv-host=_node._tcp.example.test,host1.example.test,9100",
    "--srv-host=_node._tcp.example.test,host2.example.test,9101,0,10",
    "--host-record=host1.example.test,127.0.0.1",
    "--host-record=dual.example.test,127.0.0.2,::2",
    "--cname=alias.example.test,host1.example.test",
    "--mx-host=example.test,mail.example.test,10",
    // Authoritative for the zone: a name it does not hold is NXDOMAIN, others REFUSED.
    "--local=/example.test/",
    ...Array.from(
      { length: MANY },
      (_, i) => `--srv-host=_many._tcp.example.test,node-${i}.many.example.test,${9000 + i}`,
    ),
  ]);
});
afterAll(() => dns.stop());

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function resolver(search: string[] = [], port = dns.port): () => ResolverConfig {
  return () => ({ servers: [{ address: "127.0.0.1", port }], search, ndots: 1 });
}

function discovery(
  config: Partial<DnsSdConfig> & Pick<DnsSdConfig, "names">,
  deps: Partial<ConstructorParameters<typeof DnsDiscovery>[1]> = {},
) {
  const lookups = { all: 0, failed: 0 };
  const d = new DnsDiscovery(
    { type: "SRV", port: 0, refresh_interval: 30_000, ...config },
    {
      resolver: resolver(),
      log: quiet,
      onLookup: (failed) => {
        lookups.all++;
        if (failed) lookups.failed++;
      },
      ...deps,
    },
  );
  return { d, lookups };
}

/** Each group's one target with its meta labels that are set. */
function targets(d: DnsDiscovery) {
  return d.groups().map((g) => ({
    target: g.targets.join(),
    meta: Object.fromEntries(Object.entries(g.meta ?? {}).filter(([, v]) => v !== "")),
  }));
}

const byTarget = (a: { target: string }, b: { target: string }) => a.target.localeCompare(b.target);

describe("dns_sd_configs against dnsmasq", () => {
  test("SRV: each record's host (without its root dot) and port, with the record in meta labels", async () => {
    const { d, lookups } = discovery({ names: ["_node._tcp.example.test"] });
    expect(await d.refresh()).toBe(true);
    const name = { __meta_dns_name: "_node._tcp.example.test" };
    expect(targets(d).sort(byTarget)).toEqual([
      {
        target: "host1.example.test:9100",
        meta: {
          ...name,
          __meta_dns_srv_record_target: "host1.example.test.",
          __meta_dns_srv_record_port: "9100",
        },
      },
      {
        target: "host2.example.test:9101",
        meta: {
          ...name,
          __meta_dns_srv_record_target: "host2.example.test.",
          __meta_dns_srv_record_port: "9101",
        },
      },
    ]);
    // Every meta label is there, empty where the record type has none (as in Prometheus).
    expect(Object.keys(d.groups()[0].meta ?? {}).sort()).toEqual([
      "__meta_dns_mx_record_target",
      "__meta_dns_name",
      "__meta_dns_ns_record_target",
      "__meta_dns_srv_record_port",
      "__meta_dns_srv_record_target",
    ]);
    expect(lookups).toEqual({ all: 1, failed: 0 });
    expect(await d.refresh()).toBe(false);
  });

  test("A and AAAA: the address with the configured port, IPv6 in brackets; a CNAME is followed, not a target", async () => {
    const a = discovery({
      names: ["dual.example.test", "alias.example.test"],
      type: "A",
      port: 9100,
    });
    await a.d.refresh();
    expect(targets(a.d).map((t) => t.target)).toEqual(["127.0.0.2:9100", "127.0.0.1:9100"]);
    expect(targets(a.d)[1].meta).toEqual({ __meta_dns_name: "alias.example.test" });
    const aaaa = discovery({ names: ["dual.example.test"], type: "AAAA", port: 9100 });
    await aaaa.d.refresh();
    expect(targets(aaaa.d).map((t) => t.target)).toEqual(["[::2]:9100"]);
  });

  test("MX: the mail host with the configured port", async () => {
    const { d } = discovery({ names: ["example.test"], type: "MX", port: 25 });
    await d.refresh();
    expect(targets(d)).toEqual([
      {
        target: "mail.example.test:25",
        meta: {
          __meta_dns_name: "example.test",
          __meta_dns_mx_record_target: "mail.example.test.",
        },
      },
    ]);
  });

  test("NS: each name server's host with the configured port", async () => {
    const auth = await startDnsmasq([
      "--auth-zone=zone.test",
      "--auth-server=ns1.zone.test,127.0.0.1",
      "--auth-soa=2024010101,hostmaster.zone.test",
    ]);
    try {
      const { d } = discovery(
        { names: ["zone.test"], type: "NS", port: 9153 },
        { resolver: resolver([], auth.port) },
      );
      await d.refresh();
      expect(targets(d)).toEqual([
        {
          target: "ns1.zone.test:9153",
          meta: { __meta_dns_name: "zone.test", __meta_dns_ns_record_target: "ns1.zone.test." },
        },
      ]);
    } finally {
      await auth.stop();
    }
  });

  test("a short name is tried with resolv.conf's search domains; the meta label keeps the name as written", async () => {
    const { d } = discovery(
      { names: ["host1"], type: "A", port: 80 },
      { resolver: resolver(["nowhere.test", "example.test"]) },
    );
    await d.refresh();
    expect(targets(d)).toEqual([{ target: "127.0.0.1:80", meta: { __meta_dns_name: "host1" } }]);
  });

  test("an answer too big for UDP is asked again over TCP: every record arrives", async () => {
    const { d } = discovery({ names: ["_many._tcp.example.test"] });
    await d.refresh();
    const found = targets(d).map((t) => t.target);
    expect(found.length).toBe(MANY);
    expect(found).toContain(`node-${MANY - 1}.many.example.test:${9000 + MANY - 1}`);
  });

  test("a name that does not exist has no targets and is not a failure", async () => {
    const { d, lookups } = discovery({ names: ["gone.example.test"], type: "A", port: 80 });
    await d.refresh();
    expect(d.groups()).toEqual([]);
    expect(lookups).toEqual({ all: 1, failed: 0 });
  });

  test("a failing server keeps the last targets, counts each failed lookup and says so once", async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const log: Logger = {
      ...quiet,
      warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`),
      info: (m) => infos.push(m),
    };
    let port = dns.port;
    const { d, lookups } = discovery(
      { names: ["_node._tcp.example.test"] },
      { resolver: () => resolver([], port)(), log },
    );
    await d.refresh();
    const before = d.groups();
    expect(before.length).toBe(2);
    port = await freePort(); // nothing answers there: the exchange times out or is refused
    expect(await d.refresh()).toBe(false);
    expect(await d.refresh()).toBe(false);
    expect(d.groups()).toEqual(before);
    expect(lookups).toEqual({ all: 3, failed: 2 });
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain("Cannot refresh DNS targets; keeping the last ones");
    expect(warnings[0]).toContain("_node._tcp.example.test");
    port = dns.port;
    await d.refresh();
    expect(infos).toEqual(["DNS targets refreshed again"]);
  }, 15_000);

  test("a server that refuses the name is a failure too, not an empty answer", async () => {
    const { d, lookups } = discovery({ names: ["host.elsewhere.test"], type: "A", port: 80 });
    await d.refresh();
    expect(d.groups()).toEqual([]);
    expect(lookups).toEqual({ all: 1, failed: 1 });
  });

  test("an unreadable resolv.conf fails the lookup with its reason", async () => {
    const warnings: string[] = [];
    const { d, lookups } = discovery(
      { names: ["host1.example.test"], type: "A", port: 80 },
      {
        resolver: () => {
          throw new Error("ENOENT: no such file or directory, open '/etc/resolv.conf'");
        },
        log: { ...quiet, warn: (_m, f) => warnings.push(String(f?.error)) },
      },
    );
    await d.refresh();
    expect(lookups.failed).toBe(1);
    expect(warnings).toEqual([
      "could not load resolv.conf: ENOENT: no such file or directory, open '/etc/resolv.conf'",
    ]);
  });
});
