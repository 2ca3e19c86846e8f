/** The `integrations.containers` section: cgroups collected under cAdvisor's names. */
import { z } from "zod";
import { filePath } from "../../../../shared/config/fields.ts";
import { resolvePath } from "../../../../shared/config/http.ts";
import { compileSearch, type Regex } from "../../../../shared/regex/regex.ts";
import { DEFAULT_CONTAINER_CGROUPS } from "./cgroupfs.ts";
import { RUNTIME_SOCKETS } from "./docker.ts";

/** A container cgroup pattern, compiled as RE2 and anchored at both ends. */
export function compileCgroups(pattern: string): Regex {
  return compileSearch(`^(?:${pattern})$`);
}

/** The `containers` entry of the `integrations` section. */
export const containersSchema = z
  .object({
    collect: z
      .enum(["auto", "always", "off"])
      .default("auto")
      .describe(
        "auto: collected when autodetect finds a container cgroup or a Docker/Podman socket; always: collected whatever detection finds; off: never.",
      ),
    cgroupfs: filePath().prefault("/sys/fs/cgroup").describe("Where the cgroup tree is mounted."),
    sysfs: filePath().prefault("/sys").describe("sysfs mount (block device names)."),
    cgroups: z
      .string()
      .superRefine((p, ctx) => {
        try {
          compileCgroups(p);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
        }
      })
      .default(DEFAULT_CONTAINER_CGROUPS)
      .meta({ "x-default": "Docker, Podman, containerd, LXC, nspawn and Kubernetes cgroups" })
      .describe(
        "Which cgroup paths are containers: an RE2 pattern matched against the whole path (`/docker/<id>`). `/` (the host) is always reported.",
      ),
    max_containers: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(500)
      .describe("Containers reported at most, `/` included (cardinality cap)."),
    sockets: z
      .array(filePath())
      .prefault([...RUNTIME_SOCKETS])
      .describe("Docker / Podman API sockets asked, in order, for container names and images."),
  })
  .strict();

/** The loaded `containers` entry. */
export type ContainersConfig = z.output<typeof containersSchema>;

/** Resolves the entry's paths against the config file's folder. */
export function normalizeContainers(c: ContainersConfig, baseDir: string): ContainersConfig {
  return {
    ...c,
    cgroupfs: resolvePath(baseDir, c.cgroupfs),
    sysfs: resolvePath(baseDir, c.sysfs),
    sockets: c.sockets.map((s) => resolvePath(baseDir, s)),
  };
}
