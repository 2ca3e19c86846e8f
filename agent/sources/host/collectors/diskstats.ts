import type { MetricType } from "../../../../shared/model/sample.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { fields, isDigits, lines, readText } from "../read.ts";

/** Kernel ticks of the time columns are milliseconds; node_exporter multiplies by 1/1000. */
const SECONDS = 0.001;
/** The byte columns count 512-byte sectors whatever the device's own sector size. */
const SECTOR = 512;

/** One /proc/diskstats column after major, minor and name: metric suffix, type, HELP, scale. */
type Column = readonly [suffix: string, type: MetricType, help: string, scale: number];

/** The columns in file order; a kernel that prints fewer gets fewer families, as in 1.5.0. */
const COLUMNS: readonly Column[] = [
  ["reads_completed_total", "counter", "The total number of reads completed successfully.", 1],
  ["reads_merged_total", "counter", "The total number of reads merged.", 1],
  ["read_bytes_total", "counter", "The total number of bytes read successfully.", SECTOR],
  [
    "read_time_seconds_total",
    "counter",
    "The total number of seconds spent by all reads.",
    SECONDS,
  ],
  ["writes_completed_total", "counter", "The total number of writes completed successfully.", 1],
  ["writes_merged_total", "counter", "The number of writes merged.", 1],
  ["written_bytes_total", "counter", "The total number of bytes written successfully.", SECTOR],
  [
    "write_time_seconds_total",
    "counter",
    "This is the total number of seconds spent by all writes.",
    SECONDS,
  ],
  ["io_now", "gauge", "The number of I/Os currently in progress.", 1],
  ["io_time_seconds_total", "counter", "Total seconds spent doing I/Os.", SECONDS],
  [
    "io_time_weighted_seconds_total",
    "counter",
    "The weighted # of seconds spent doing I/Os.",
    SECONDS,
  ],
  [
    "discards_completed_total",
    "counter",
    "The total number of discards completed successfully.",
    1,
  ],
  ["discards_merged_total", "counter", "The total number of discards merged.", 1],
  ["discarded_sectors_total", "counter", "The total number of sectors discarded successfully.", 1],
  [
    "discard_time_seconds_total",
    "counter",
    "This is the total number of seconds spent by all discards.",
    SECONDS,
  ],
  [
    "flush_requests_total",
    "counter",
    "The total number of flush requests completed successfully",
    1,
  ],
  [
    "flush_requests_time_seconds_total",
    "counter",
    "This is the total number of seconds spent by all flush requests.",
    SECONDS,
  ],
];
const NAMES = COLUMNS.map(([suffix]) => `node_disk_${suffix}`);
/** procfs drops lines with fewer columns (pre-2.6.25 partition lines). */
const MIN_COLUMNS = 11;

/** udev properties behind node_disk_ata_*: [udev key, metric, HELP]. */
const ATA: readonly (readonly [string, string, string])[] = [
  ["ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache", "ATA disk has a write cache."],
  [
    "ID_ATA_WRITE_CACHE_ENABLED",
    "node_disk_ata_write_cache_enabled",
    "ATA disk has its write cache enabled.",
  ],
  [
    "ID_ATA_ROTATION_RATE_RPM",
    "node_disk_ata_rotation_rate_rpm",
    "ATA disk rotation rate in RPMs (0 for SSDs).",
  ],
];

/**
 * node_exporter's `diskstats` collector: node_disk_* counters per block device from
 * /proc/diskstats, node_disk_info, and the udev-derived families (filesystem_info,
 * device_mapper_info, ata_*) where /run/udev/data describes the device.
 *
 * udev data is looked up under the host root (`<root>/run/udev/data`), where node_exporter has
 * a separate `--path.udev.data` flag whose default is the same path on an unprefixed host.
 */
export const diskstatsCollector: HostCollector = {
  name: "diskstats",
  collect(w: MetricWriter, ctx: CollectContext): void {
    const path = `${ctx.paths.proc}/diskstats`;
    const udevDir = `${ctx.paths.root === "/" ? "" : ctx.paths.root}/run/udev/data`;
    w.family("node_disk_info", "gauge", "Info of /sys/block/<block_device>.");
    let declared = 0;
    for (const line of lines(readDiskstats(path))) {
      const f = fields(line);
      const count = Math.min(f.length - 3, COLUMNS.length);
      if (count < MIN_COLUMNS) continue;
      const device = f[2];
      if (ctx.filters.diskDevicesExclude.test(device)) continue;
      for (; declared < count; declared++) {
        const [, type, help] = COLUMNS[declared];
        w.family(NAMES[declared], type, help);
      }
      const udev = readUdev(`${udevDir}/b${f[0]}:${f[1]}`);
      writeInfo(w, f, udev);
      const labels = ["device", device];
      for (let i = 0; i < count; i++) {
        const text = f[i + 3];
        if (!isDigits(text, 0, text.length)) {
          throw new SyntaxError(`Cannot parse ${path}: "${text}" of ${device} is not a number`);
        }
        w.sample(NAMES[i], labels, Number(text) * COLUMNS[i][3]);
      }
      if (udev) writeUdevFamilies(w, labels, udev);
    }
  },
};

function readDiskstats(path: string): string {
  try {
    return readText(path);
  } catch (err) {
    throw new Error(`Cannot read disk statistics: ${(err as Error).message}`, { cause: err });
  }
}

/** node_disk_info; its udev labels are empty when udev has no record of the device. */
function writeInfo(w: MetricWriter, f: string[], udev: Map<string, string> | null): void {
  const get = (key: string) => udev?.get(key) ?? "";
  // 1.5.0 takes the serial from ID_SERIAL_SHORT alone (SCSI_IDENT_SERIAL came in later releases).
  const labels = ["device", f[2], "major", f[0], "minor", f[1], "path", get("ID_PATH")];
  labels.push("wwn", get("ID_WWN"), "model", get("ID_MODEL"), "serial", get("ID_SERIAL_SHORT"));
  labels.push("revision", get("ID_REVISION"));
  w.sample("node_disk_info", labels, 1);
}

/** The families 1.5.0 writes only for devices whose udev record has the properties behind them. */
function writeUdevFamilies(w: MetricWriter, device: string[], udev: Map<string, string>): void {
  const get = (key: string) => udev.get(key) ?? "";
  const fsType = get("ID_FS_TYPE");
  if (fsType !== "") {
    w.family("node_disk_filesystem_info", "gauge", "Info about disk filesystem.");
    const labels = [...device, "type", fsType, "usage", get("ID_FS_USAGE")];
    labels.push("uuid", get("ID_FS_UUID"), "version", get("ID_FS_VERSION"));
    w.sample("node_disk_filesystem_info", labels, 1);
  }
  const dmName = get("DM_NAME");
  if (dmName !== "") {
    w.family("node_disk_device_mapper_info", "gauge", "Info about disk device mapper.");
    const labels = [...device, "name", dmName, "uuid", get("DM_UUID"), "vg_name"];
    labels.push(get("DM_VG_NAME"), "lv_name", get("DM_LV_NAME"), "lv_layer", get("DM_LV_LAYER"));
    w.sample("node_disk_device_mapper_info", labels, 1);
  }
  if (get("ID_ATA") === "") return;
  for (const [key, name, help] of ATA) {
    const text = udev.get(key);
    // Go's ParseFloat rejects an empty or malformed value; node_exporter then skips it.
    const value = text === undefined || text.trim() === "" ? Number.NaN : Number(text);
    if (Number.isNaN(value)) continue;
    w.family(name, "gauge", help);
    w.sample(name, device, value);
  }
}

/** The `E:` properties of a udev database record, or null when udev has none for the device. */
function readUdev(path: string): Map<string, string> | null {
  let text: string;
  try {
    text = readText(path);
  } catch {
    // node_exporter logs any failure here at debug level and writes empty labels.
    return null;
  }
  const props = new Map<string, string>();
  for (const line of lines(text)) {
    if (!line.startsWith("E:")) continue;
    const eq = line.indexOf("=");
    if (eq > 0) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}
