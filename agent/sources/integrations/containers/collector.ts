import { join } from "node:path";
import type { Regex } from "../../../../shared/regex/regex.ts";
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { IntegrationCollector } from "../collector.ts";
import { withTimeout } from "../timeout.ts";
import { cgroupLayout, containerCgroups, containerId, walkRoot } from "./cgroupfs.ts";
import { type ContainerMeta, listContainers } from "./docker.ts";
import { blockDevices, firstPid, netns, readNetwork, startTime } from "./host.ts";
import { readSpec } from "./spec.ts";
import { readStats } from "./stats.ts";
import { type ContainerSample, writeContainers } from "./write.ts";

/** Options of {@link ContainersCollector}. */
export interface ContainersOptions {
  /** cgroup mount (`/sys/fs/cgroup`), procfs and sysfs. */
  cgroupfs: string;
  procfs: string;
  sysfs: string;
  /** Which cgroup paths are containers (anchored). */
  include: Regex;
  /** Containers reported at most, `/` included. */
  max: number;
  /** Docker's and Podman's API sockets, asked in order for names and images. */
  sockets: readonly string[];
}

/** How long names and images are reused before the daemon is asked again. */
const META_TTL_MS = 30_000;

/**
 * cAdvisor's `container_*` families read straight from the cgroup tree (v1 or v2), one set per
 * container cgroup plus `/` for the host, labelled `id` (the cgroup path) and, where Docker or
 * Podman answers on its socket, `name` and `image`.
 */
export class ContainersCollector implements IntegrationCollector {
  readonly kind = "containers" as const;
  readonly up = {
    name: "container_scrape_error",
    help: "1 if there was an error while getting container metrics, 0 otherwise",
    down: 1,
  };
  private meta = new Map<string, ContainerMeta>();
  private metaAt = 0;
  private deviceNames: ReadonlyMap<string, string> = new Map();
  private devicesAt = 0;

  constructor(private readonly opts: ContainersOptions) {}

  async collect(w: MetricWriter, timeoutMs: number): Promise<string[]> {
    return withTimeout(this.collectNow(w), timeoutMs, "collect containers");
  }

  private async collectNow(w: MetricWriter): Promise<string[]> {
    const o = this.opts;
    const layout = cgroupLayout(o.cgroupfs);
    if (layout === null) throw new Error(`Cannot read cgroups: none mounted at ${o.cgroupfs}`);
    const { paths, found } = containerCgroups(layout, o.include, o.max);
    const problems = await this.refreshMeta(paths);
    // Said (and logged once by the runner) rather than cut silently.
    if (found > paths.length)
      problems.push(`Cannot report every container: ${found} found, max_containers is ${o.max}`);
    const root = walkRoot(layout);
    const hostNet = netns(o.procfs, 1);
    const devices = this.devices();
    const samples: ContainerSample[] = [];
    for (const path of paths) {
      const id = containerId(path);
      const meta = this.meta.get(id);
      const pid = path === "/" ? 1 : firstPid(root, path);
      // A container sharing the host's network namespace would repeat the host's counters.
      const ownNet = path === "/" || (pid > 0 && netns(o.procfs, pid) !== hostNet);
      samples.push({
        labels: { id: path, name: meta?.name ?? "", image: meta?.image ?? "" },
        stats: readStats(layout, path),
        spec: readSpec(layout, path),
        network: ownNet && pid > 0 ? readNetwork(o.procfs, pid) : [],
        started: path === "/" ? 0 : startTime(join(root, path)),
        devices,
      });
    }
    w.family(this.up.name, "gauge", this.up.help);
    w.sample(this.up.name, [], 0);
    writeContainers(w, samples, Date.now() / 1000);
    return problems;
  }

  /** Block device names, read again at most once a minute (disks rarely come and go). */
  private devices(): ReadonlyMap<string, string> {
    if (Date.now() - this.devicesAt > 60_000) {
      this.deviceNames = blockDevices(this.opts.sysfs);
      this.devicesAt = Date.now();
    }
    return this.deviceNames;
  }

  /** Asks the daemon for names when a new container id shows up or the cache is old. */
  private async refreshMeta(paths: readonly string[]): Promise<string[]> {
    const ids = paths.map(containerId).filter((id) => id !== "");
    const fresh = Date.now() - this.metaAt < META_TTL_MS;
    if (ids.length === 0 || (fresh && ids.every((id) => this.meta.has(id)))) return [];
    this.metaAt = Date.now();
    const problems: string[] = [];
    for (const socket of this.opts.sockets) {
      if (!(await Bun.file(socket).exists())) continue;
      try {
        this.meta = await listContainers(socket);
        return [];
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    return problems;
  }

  refusal(): string | null {
    return null;
  }

  async close(): Promise<void> {}
}
