/**
 * dns_sd_configs side by side with Prometheus 2.42: one prometheus.yml (SRV and A records,
 * an AAAA record, a CNAME, a short name completed from resolv.conf's search domains, a name
 * that does not exist, meta labels mapped into target labels) loaded by both, each finding
 * dnsmasq through the real /etc/resolv.conf. Both run in a network and mount namespace of
 * their own (dns_sd_namespace.ts), which needs root or user namespaces: without them the test
 * is skipped and says why.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const probe = Bun.spawnSync(["unshare", "--net", "--mount", "--fork", "true"], { stderr: "pipe" });
const namespaces = probe.exitCode === 0;
if (!namespaces)
  console.warn(
    `dns_sd_prometheus.test.ts skipped: cannot make a network namespace (unshare: ${probe.stderr.toString().trim()})`,
  );

test.skipIf(!namespaces)(
  "dns_sd targets and their labels are Prometheus's for the same prometheus.yml and records",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "outpost-dns-sd-"));
    try {
      const proc = Bun.spawn(
        [
          "unshare",
          "--net",
          "--mount",
          "--fork",
          "--kill-child",
          "bun",
          join(import.meta.dir, "dns_sd_namespace.ts"),
          dir,
        ],
        { stdout: "pipe", stderr: "pipe" },
      );
      const timer = setTimeout(() => proc.kill(), 50_000);
      const [out, err, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      clearTimeout(timer);
      if (code !== 0) throw new Error(`dns_sd_namespace.ts exited with ${code}: ${err}`);
      const last = out.trim().split("\n").at(-1) ?? "";
      const { prometheus, outpost } = JSON.parse(last) as Record<string, [string, string][]>;
      const ts = (labels: Record<string, string>) => JSON.stringify(labels);
      // What Prometheus found is what the records say: the test's own check of the peer.
      const want: [string, string][] = [
        [
          ts({
            dns_name: "_metrics._tcp.example.test",
            dns_srv_record_port: "9101",
            dns_srv_record_target: "node-a.example.test.",
            instance: "node-a.example.test:9101",
            job: "srv",
          }),
          "up",
        ],
        [
          ts({
            dns_name: "_metrics._tcp.example.test",
            dns_srv_record_port: "9102",
            dns_srv_record_target: "node-b.example.test.",
            instance: "node-b.example.test:9102",
            job: "srv",
          }),
          "up",
        ],
        [ts({ dns_name: "exporter", instance: "127.0.0.1:9101", job: "a" }), "up"],
        [ts({ dns_name: "node-b.example.test", instance: "127.0.0.1:9101", job: "a" }), "up"],
        [ts({ dns_name: "node-b.example.test", instance: "[::1]:9102", job: "aaaa" }), "up"],
      ];
      expect(prometheus).toEqual(want.sort());
      expect(outpost).toEqual(prometheus);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  60_000,
);
