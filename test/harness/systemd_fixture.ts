/**
 * systemd units for tests on hosts that do not boot systemd (this project's VMs): the agent's
 * systemd collector over its parser's `systemctl show` fixture, and those series sent to an
 * aggregator over a span of time as an agent's host source would send them.
 */
import { join } from "node:path";
import { SystemdCollector } from "../../agent/sources/host/collectors/systemd/systemd.ts";
import { fixtureContext, RecordingWriter } from "../../agent/sources/host/testing.ts";
import { compress } from "../../shared/codec/compress.ts";
import { BatchEncoder } from "../../shared/codec/encode.ts";
import { SampleBlock } from "../../shared/model/block.ts";
import { labelsFromRecord } from "../../shared/model/labels.ts";
import { compileSearch } from "../../shared/regex/regex.ts";
import { connectTo, publishBatch, waitForAllAcked } from "./ingest.ts";

const DATA = join(import.meta.dir, "../../agent/sources/host/collectors/systemd/testdata");

/** The systemd collector over the fixture, with node_exporter's default unit filters. */
export function systemdFromFixture(): SystemdCollector {
  return new SystemdCollector({
    unitInclude: compileSearch("^(?:.+)$"),
    unitExclude: compileSearch("^(?:.+\\.(automount|device|mount|scope|slice))$"),
    systemctl: (args) =>
      Bun.file(join(DATA, args.includes("*") ? "units.txt" : "manager.txt")).text(),
  });
}

/**
 * Sends the fixture's series as job `node`, instance `instance`, every `stepMs` over the last
 * `spanMs`, with `ssh.service` inactive in the middle third (one stop and start), and with the
 * socket counters and nginx.service's restarts (activating in the fixture: crash looping)
 * growing, so rates and state changes have something to show.
 */
export async function sendSystemdFixture(
  natsUrl: string,
  instance: string,
  spanMs = 300_000,
  stepMs = 15_000,
): Promise<void> {
  const w = new RecordingWriter();
  await systemdFromFixture().collect(w, fixtureContext());
  const enc = new BatchEncoder();
  const block = new SampleBlock(w.samples.length);
  const end = Date.now();
  for (let ts = end - spanMs, i = 0; ts <= end; ts += stepMs, i++) {
    const stopped = ts > end - (spanMs * 2) / 3 && ts < end - spanMs / 3;
    block.clear();
    for (const s of w.samples) {
      let value = s.value;
      if (s.labels.name === "ssh.service" && stopped)
        value = s.labels.state === "inactive" ? 1 : s.labels.state === "active" ? 0 : value;
      if (s.name.endsWith("_connections_total")) value += i;
      if (s.name === "node_systemd_service_restart_total" && s.labels.name === "nginx.service")
        value += i;
      const labels = labelsFromRecord({ ...s.labels, __name__: s.name, job: "node", instance });
      block.push({ labels }, ts, value);
    }
    enc.addBlock(block);
  }
  const nc = await connectTo(natsUrl);
  try {
    await publishBatch(nc, compress("lz4", enc.finish()), { agent: "systemd-fixture" });
    await waitForAllAcked(nc);
  } finally {
    await nc.close();
  }
}
