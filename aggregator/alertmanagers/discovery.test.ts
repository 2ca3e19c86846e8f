import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logger } from "../../shared/log/log.ts";
import { startDnsmasq } from "../../test/harness/dnsmasq.ts";
import { pollUntil } from "../../test/harness/poll.ts";
import { alertmanagerSetSchema, normalizeAlertmanagers } from "./config.ts";
import { AlertmanagerDiscovery } from "./discovery.ts";
import type { DiscoveredAlertmanagers } from "./targets.ts";

let discovery: AlertmanagerDiscovery | undefined;
afterEach(() => discovery?.stop());

test("file_sd Alertmanagers are relabeled and re-read when their file changes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "am-sd-"));
  const file = join(dir, "prod.yml");
  writeFileSync(file, "- targets: ['am-1:9093', 'am-2:9093']\n  labels: { role: spare }\n");
  const sets = normalizeAlertmanagers(
    [
      alertmanagerSetSchema.parse({
        static_configs: [{ targets: ["am-0:9093"] }],
        file_sd_configs: [{ files: ["*.yml"], refresh_interval: "1s" }],
        relabel_configs: [
          { source_labels: ["role"], regex: "spare", action: "drop" },
          {
            source_labels: ["__meta_filepath"],
            regex: ".*/(.*)\\.yml",
            target_label: "__alerts_path__",
            replacement: "/$1/api/v2/alerts",
          },
        ],
      }),
    ],
    dir,
  );
  const seen: DiscoveredAlertmanagers[] = [];
  discovery = new AlertmanagerDiscovery(sets, (_, found) => seen.push(found), logger("test"));
  // Read once on construction: the static target (no file path) and the file's, dropped.
  expect(seen).toEqual([
    {
      active: ["http://am-0:9093/api/v2/alerts"],
      dropped: ["http://am-1:9093/api/v2/alerts", "http://am-2:9093/api/v2/alerts"],
    },
  ]);
  discovery.start();
  writeFileSync(file, "- targets: ['am-1:9093']\n  labels: { role: main }\n");
  // A write within the same millisecond as the first would keep its time: move it on.
  utimesSync(file, new Date(), new Date(Date.now() + 2_000));
  await pollUntil(() => seen.length === 2, "the file read again", 5_000);
  expect(seen[1]).toEqual({
    active: ["http://am-0:9093/api/v2/alerts", "http://am-1:9093/prod/api/v2/alerts"],
    dropped: [],
  });
  rmSync(dir, { recursive: true, force: true });
});

test("Alertmanagers found in DNS: one per SRV record, relabeled with the record's meta labels", async () => {
  const dns = await startDnsmasq([
    "--srv-host=_alertmanager._tcp.example.test,am-a.example.test,9093",
    "--srv-host=_alertmanager._tcp.example.test,am-b.example.test,9094",
    "--local=/example.test/",
  ]);
  try {
    const sets = normalizeAlertmanagers(
      [
        alertmanagerSetSchema.parse({
          dns_sd_configs: [{ names: ["_alertmanager._tcp.example.test"] }],
          relabel_configs: [
            { source_labels: ["__meta_dns_srv_record_port"], regex: "9094", action: "drop" },
          ],
        }),
      ],
      "/",
    );
    const seen: DiscoveredAlertmanagers[] = [];
    const resolver = () => ({
      servers: [{ address: "127.0.0.1", port: dns.port }],
      search: [],
      ndots: 1,
    });
    discovery = new AlertmanagerDiscovery(sets, (_, found) => seen.push(found), logger("test"), {
      resolver,
    });
    // Nothing is looked up before the start.
    expect(seen).toEqual([{ active: [], dropped: [] }]);
    discovery.start();
    await pollUntil(() => seen.length === 2, "the names looked up", 5_000);
    expect(seen[1]).toEqual({
      active: ["http://am-a.example.test:9093/api/v2/alerts"],
      dropped: ["http://am-b.example.test:9094/api/v2/alerts"],
    });
  } finally {
    await dns.stop();
  }
});
