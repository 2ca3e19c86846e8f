import { promises as fsp } from "node:fs";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { CollectContext, HostCollector } from "../collector.ts";
import { lines, readTextIfExists } from "../read.ts";

/** What the collector needs of statfs(2); Node's and Bun's `fs.promises.statfs` give this. */
export interface StatFs {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** Options of a {@link FilesystemCollector}. */
export interface FilesystemOptions {
  /** How long a statfs may take before its mount is reported as failing (node_exporter: 5 s). */
  mountTimeoutMs?: number;
  /** statfs(2); tests pass one that never answers, as a hung NFS server does. */
  statfs?: (path: string) => Promise<StatFs>;
}

/** One row of the mount table, as node_exporter labels it. */
interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  readonly: boolean;
}

/** A statfs that failed, or is still outstanding. */
const FAILED = null;
const DEFAULT_TIMEOUT_MS = 5000;
const SIZE_FAMILIES = [
  ["node_filesystem_size_bytes", "Filesystem size in bytes."],
  ["node_filesystem_free_bytes", "Filesystem free space in bytes."],
  ["node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes."],
  ["node_filesystem_files", "Filesystem total file nodes."],
  ["node_filesystem_files_free", "Filesystem total free file nodes."],
  ["node_filesystem_readonly", "Filesystem read-only status."],
] as const;

/**
 * node_exporter's `filesystem` collector: size, free and available bytes, inodes and the
 * read-only flag of each mounted file system in /proc/1/mounts (or /proc/mounts), by statfs of
 * the mount point under the host root; `node_filesystem_device_error` is 1 where statfs failed.
 *
 * statfs of a mount whose server is gone (NFS, FUSE) can block for ever. The calls run on
 * Bun's file system threads, so the agent never blocks: a call that takes longer than the
 * mount timeout reports its mount as failing, and until that call returns the mount is not
 * asked again (node_exporter's "stuck mounts"), so each dead mount holds at most one thread.
 */
export class FilesystemCollector implements HostCollector {
  readonly name = "filesystem";
  /** statfs paths with a call outstanding past the timeout. */
  private readonly stuck = new Set<string>();
  private readonly timeoutMs: number;
  private readonly statfs: (path: string) => Promise<StatFs>;

  constructor(opts: FilesystemOptions = {}) {
    this.timeoutMs = opts.mountTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.statfs = opts.statfs ?? ((path) => fsp.statfs(path));
  }

  async collect(w: MetricWriter, ctx: CollectContext): Promise<void> {
    const root = rootPrefix(ctx.paths.root);
    const mounts = selectMounts(readMountTable(ctx.paths.proc, root), ctx);
    const stats = await Promise.all(mounts.map((m) => this.stat(root + m.mountPoint)));
    w.family(
      "node_filesystem_device_error",
      "gauge",
      "Whether an error occurred while getting statistics for the given device.",
    );
    for (const [name, help] of SIZE_FAMILIES) w.family(name, "gauge", help);
    for (let i = 0; i < mounts.length; i++) writeMount(w, mounts[i], stats[i]);
  }

  /** statfs of `path`, or FAILED when it fails or outlasts the timeout. */
  private async stat(path: string): Promise<StatFs | typeof FAILED> {
    if (this.stuck.has(path)) return FAILED;
    const call = this.statfs(path).catch(() => FAILED);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    const result = await Promise.race([call, timeout]);
    clearTimeout(timer);
    if (result !== "timeout") return result;
    this.stuck.add(path);
    call.then(() => this.stuck.delete(path));
    return FAILED;
  }
}

/** The filesystem collector with node_exporter's mount timeout. */
export const filesystemCollector: HostCollector = new FilesystemCollector();

function writeMount(w: MetricWriter, m: Mount, s: StatFs | typeof FAILED): void {
  const labels = ["device", m.device, "fstype", m.fsType, "mountpoint", m.mountPoint];
  w.sample("node_filesystem_device_error", labels, s === FAILED ? 1 : 0);
  // 1.5.0 writes nothing else for a mount it could not stat, not even readonly.
  if (s === FAILED) return;
  w.sample("node_filesystem_size_bytes", labels, s.blocks * s.bsize);
  w.sample("node_filesystem_free_bytes", labels, s.bfree * s.bsize);
  w.sample("node_filesystem_avail_bytes", labels, s.bavail * s.bsize);
  w.sample("node_filesystem_files", labels, s.files);
  w.sample("node_filesystem_files_free", labels, s.ffree);
  w.sample("node_filesystem_readonly", labels, m.readonly ? 1 : 0);
}

/** Mounts not excluded by the filters, each set of labels once (the first wins). */
function selectMounts(mounts: Mount[], ctx: CollectContext): Mount[] {
  const { mountPointsExclude, fsTypesExclude } = ctx.filters;
  const seen = new Set<string>();
  return mounts.filter((m) => {
    if (mountPointsExclude.test(m.mountPoint) || fsTypesExclude.test(m.fsType)) return false;
    const key = `${m.device}\0${m.fsType}\0${m.mountPoint}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The host root as a prefix of absolute paths: "" for "/", else without a trailing slash. */
function rootPrefix(root: string): string {
  return root.endsWith("/") ? root.slice(0, -1) : root;
}

/**
 * The mount table of PID 1 (the host's, when the agent runs in a container that shares the
 * host's PID namespace), or the agent's own when /proc/1 is hidden (hidepid).
 */
function readMountTable(proc: string, root: string): Mount[] {
  let path = `${proc}/1/mounts`;
  let text = readTextIfExists(path);
  if (text === null) {
    path = `${proc}/mounts`;
    text = readTextIfExists(path);
  }
  if (text === null) {
    throw new Error(`Cannot read the mount table: neither ${proc}/1/mounts nor ${path} exists`);
  }
  return lines(text).map((line) => parseMount(line, path, root));
}

/** One mount table line: `device mountpoint fstype options dump pass`. */
function parseMount(line: string, path: string, root: string): Mount {
  const parts = line.split(" ");
  if (parts.length < 4) throw new SyntaxError(`Cannot parse ${path}: malformed line "${line}"`);
  return {
    device: parts[0],
    // node_exporter decodes only the two escapes fstab(5) names, not \134 or \012.
    mountPoint: stripRoot(parts[1].replaceAll("\\040", " ").replaceAll("\\011", "\t"), root),
    fsType: parts[2],
    readonly: parts[3].split(",").includes("ro"),
  };
}

/** A mount point as the host sees it when the agent's own table shows it under `root`. */
function stripRoot(mountPoint: string, root: string): string {
  if (root === "") return mountPoint;
  if (mountPoint === root) return "/";
  return mountPoint.startsWith(`${root}/`) ? mountPoint.slice(root.length) : mountPoint;
}
