import { describe, expect, test } from "bun:test";
import { fixtureContext, RecordingWriter } from "../testdata/b/harness.ts";
import { diskstatsCollector } from "./diskstats.ts";

function collect(fixture: string): RecordingWriter {
  const w = new RecordingWriter();
  diskstatsCollector.collect(w, fixtureContext(fixture));
  return w;
}

describe("diskstatsCollector", () => {
  test("reads this machine's /proc/diskstats with node_exporter's default exclusions", () => {
    const w = collect("host");
    expect(w.labelValues("node_disk_reads_completed_total", "device")).toEqual(["vda", "zram0"]);
    expect(w.value("node_disk_read_bytes_total", { device: "vda" })).toBe(4882314 * 512);
    // Ticks times 0.001, as Go computes them: 415 ms is 0.41500000000000004 in both.
    expect(w.value("node_disk_read_time_seconds_total", { device: "vda" })).toBe(74203 * 0.001);
    expect(w.value("node_disk_flush_requests_time_seconds_total", { device: "vda" })).toBe(
      0.41500000000000004,
    );
    expect(w.families.get("node_disk_io_now")?.type).toBe("gauge");
    expect(w.families.get("node_disk_writes_merged_total")).toEqual({
      type: "counter",
      help: "The number of writes merged.",
    });
  });

  test.each([
    ["nvme0n1", 17],
    ["sda", 15],
    ["dm-0", 11],
  ])("writes as many counters for %s as its line has columns (%d)", (device, count) => {
    const w = collect("edge");
    const counters = w.samples.filter(
      (s) => s.labels.device === device && !/_info$|_ata_/.test(s.name),
    );
    expect(counters.length).toBe(count);
  });

  test("skips excluded devices and lines too short to be disks", () => {
    const w = collect("edge");
    expect(w.labelValues("node_disk_info", "device")).toEqual(["dm-0", "nvme0n1", "sda"]);
  });

  test("scales sectors to bytes and milliseconds to seconds", () => {
    const w = collect("edge");
    expect(w.value("node_disk_written_bytes_total", { device: "sda" })).toBe(400 * 512);
    expect(w.value("node_disk_io_time_weighted_seconds_total", { device: "sda" })).toBe(0.05);
    expect(w.value("node_disk_discarded_sectors_total", { device: "sda" })).toBe(24);
    expect(w.value("node_disk_discard_time_seconds_total", { device: "sda" })).toBe(0.005);
  });

  test("labels node_disk_info from the udev database, with 1.5.0's serial", () => {
    const w = collect("edge");
    expect(w.find("node_disk_info", { device: "sda" })[0].labels).toEqual({
      device: "sda",
      major: "8",
      minor: "0",
      path: "pci-0000:00:1f.2-ata-1",
      wwn: "0x5002538e40a1b2c3",
      model: "Samsung_SSD_860",
      serial: "S3Z9NB0K123456",
      revision: "RVT04B6Q",
    });
    expect(w.find("node_disk_info", { device: "nvme0n1" })[0].labels.serial).toBe("SHORT123");
    expect(w.find("node_disk_info", { device: "dm-0" })[0].labels).toEqual({
      device: "dm-0",
      major: "253",
      minor: "0",
    });
  });

  test("writes the udev-derived families only for devices whose record has them", () => {
    const w = collect("edge");
    expect(w.find("node_disk_ata_write_cache_enabled")).toEqual([
      { name: "node_disk_ata_write_cache_enabled", labels: { device: "sda" }, value: 0 },
    ]);
    expect(w.value("node_disk_ata_rotation_rate_rpm", { device: "sda" })).toBe(0);
    expect(w.find("node_disk_filesystem_info").map((s) => s.labels)).toEqual([
      { device: "dm-0", type: "ext4", usage: "filesystem", uuid: "1111-2222", version: "1.0" },
    ]);
    expect(w.find("node_disk_device_mapper_info").map((s) => s.labels)).toEqual([
      { device: "dm-0", name: "vg0-root", uuid: "LVM-abc", vg_name: "vg0", lv_name: "root" },
    ]);
  });

  test("throws when /proc/diskstats is missing", () => {
    expect(() => collect("none")).toThrow(/^Cannot read disk statistics: ENOENT/);
  });
});
