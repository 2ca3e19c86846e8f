import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { FIXTURES, fixtureContext, RecordingWriter } from "../testdata/b/harness.ts";
import { FilesystemCollector, filesystemCollector, type StatFs } from "./filesystem.ts";

const STATFS_FAMILIES = [
  "node_filesystem_avail_bytes",
  "node_filesystem_device_error",
  "node_filesystem_files",
  "node_filesystem_files_free",
  "node_filesystem_free_bytes",
  "node_filesystem_readonly",
  "node_filesystem_size_bytes",
];

async function collect(fixture: string, collector = filesystemCollector) {
  const w = new RecordingWriter();
  await collector.collect(w, fixtureContext(fixture));
  return w;
}

describe("filesystemCollector", () => {
  test("reports this machine's mounts that node_exporter's defaults keep", async () => {
    const w = await collect("host");
    expect(w.names()).toEqual(STATFS_FAMILIES);
    expect(w.find("node_filesystem_size_bytes").map((s) => s.labels)).toEqual([
      { device: "/dev/vda", fstype: "ext4", mountpoint: "/" },
    ]);
    const real = statfsSync(`${FIXTURES}/host/root`);
    expect(w.value("node_filesystem_size_bytes")).toBe(real.blocks * real.bsize);
    expect(w.value("node_filesystem_files")).toBe(real.files);
    expect(w.families.get("node_filesystem_avail_bytes")).toEqual({
      type: "gauge",
      help: "Filesystem space available to non-root users in bytes.",
    });
  });

  test("skips excluded mount points and fs types and writes each mount once", async () => {
    const w = await collect("edge");
    expect(w.labelValues("node_filesystem_device_error", "mountpoint")).toEqual([
      "/",
      "/srv/backup",
      "/srv/my disk",
      "/srv/tab\tdir",
    ]);
    expect(w.find("node_filesystem_device_error", { mountpoint: "/" })).toHaveLength(1);
  });

  test.each([
    ["/", 0],
    ["/srv/backup", 1],
    ["/srv/my disk", 0],
  ])("reads the read-only flag of %s from its mount options", async (mountpoint, ro) => {
    const w = await collect("edge");
    expect(w.value("node_filesystem_readonly", { mountpoint })).toBe(ro);
    expect(w.value("node_filesystem_device_error", { mountpoint })).toBe(0);
  });

  test("writes only device_error for a mount point statfs cannot reach", async () => {
    const w = await collect("edge");
    const failed = w.samples.filter((s) => s.labels.mountpoint === "/srv/tab\tdir");
    expect(failed).toEqual([
      {
        name: "node_filesystem_device_error",
        labels: { device: "/dev/sdc1", fstype: "ext4", mountpoint: "/srv/tab\tdir" },
        value: 1,
      },
    ]);
  });

  test("falls back to /proc/mounts when /proc/1/mounts is hidden", async () => {
    const w = await collect("fallback");
    expect(w.labelValues("node_filesystem_size_bytes", "device")).toEqual(["/dev/root"]);
  });

  test("strips the host root from mount points of a table that shows them under it", async () => {
    const dir = mkdtempSync(`${tmpdir()}/filesystem-`);
    try {
      mkdirSync(`${dir}/proc`);
      mkdirSync(`${dir}/host/data`, { recursive: true });
      const table = [`/dev/a ${dir}/host ext4 rw 0 0`, `/dev/b ${dir}/host/data ext4 ro 0 0`];
      writeFileSync(`${dir}/proc/mounts`, `${table.join("\n")}\n`);
      const ctx = fixtureContext("none");
      ctx.paths = { proc: `${dir}/proc`, sys: `${dir}/sys`, root: `${dir}/host/` };
      const w = new RecordingWriter();
      await filesystemCollector.collect(w, ctx);
      expect(
        w.find("node_filesystem_device_error").map((s) => [s.labels.mountpoint, s.value]),
      ).toEqual([
        ["/", 0],
        ["/data", 0],
      ]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("throws when there is no mount table", async () => {
    await expect(collect("none")).rejects.toThrow(/^Cannot read the mount table/);
  });

  test("reports a mount whose statfs hangs as failing, and does not ask it again until it answers", async () => {
    let calls = 0;
    let answer: (s: StatFs) => void = () => {};
    const stat: StatFs = { bsize: 4096, blocks: 10, bfree: 5, bavail: 4, files: 3, ffree: 2 };
    const hanging = new FilesystemCollector({
      mountTimeoutMs: 20,
      statfs: (path) => {
        if (!path.endsWith("/srv/backup")) return Promise.resolve(stat);
        calls++;
        if (calls > 1) return Promise.resolve(stat);
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
    });
    const errorOf = (w: RecordingWriter) =>
      w.value("node_filesystem_device_error", { mountpoint: "/srv/backup" });

    expect(errorOf(await collect("edge", hanging))).toBe(1);
    expect(errorOf(await collect("edge", hanging))).toBe(1);
    expect(calls).toBe(1);

    answer(stat);
    await Bun.sleep(0);
    const w = await collect("edge", hanging);
    expect(errorOf(w)).toBe(0);
    expect(w.value("node_filesystem_size_bytes", { mountpoint: "/srv/backup" })).toBe(40960);
    expect(calls).toBe(2);
  });
});
