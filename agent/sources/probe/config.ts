import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { intervalDuration, labelSet, positiveDuration } from "../../../shared/config/fields.ts";
import { dnsProbeSchema } from "./dns/config.ts";
import { httpProbeSchema } from "./http/config.ts";
import { icmpProbeSchema } from "./icmp/config.ts";
import { tcpProbeSchema } from "./tcp/config.ts";
import { splitHostPort } from "./tcp/target.ts";

/**
 * The `probes` section: blackbox_exporter's `modules` (same keys, so a blackbox.yml's modules
 * paste in unchanged) and the jobs that run them, which in a Prometheus + blackbox_exporter
 * setup are scrape configs with `__param_target` relabeling.
 */

/** Each prober's section schema, by prober name. */
const SECTIONS = {
  http: httpProbeSchema,
  tcp: tcpProbeSchema,
  dns: dnsProbeSchema,
  icmp: icmpProbeSchema,
} as const;

/** The probers a module can name. */
export type ProberName = keyof typeof SECTIONS;

/** `modules.<name>`: which prober, its timeout, and its settings. */
export const moduleSchema = z
  .object({
    prober: z
      .enum(["http", "tcp", "dns", "icmp"])
      .describe("The kind of probe: http, tcp, dns or icmp."),
    timeout: positiveDuration()
      .prefault("5s")
      .describe(
        "How long one probe may take; at most the interval of the jobs using the module. blackbox_exporter derives it from the scrape timeout; Outpost schedules probes itself, so it is set here. Time the agent itself could not run (a stall past the deadline) is given back, up to the timeout again.",
      ),
    http: httpProbeSchema.optional().describe("Settings of the http prober."),
    tcp: tcpProbeSchema.optional().describe("Settings of the tcp prober."),
    dns: dnsProbeSchema.optional().describe("Settings of the dns prober."),
    icmp: icmpProbeSchema.optional().describe("Settings of the icmp prober."),
  })
  .strict()
  .transform((module, ctx) => {
    // A section left out takes its defaults, as in blackbox_exporter; a prober with required
    // fields (dns: query_name) reports them at the section's path.
    if (module[module.prober] !== undefined) return module;
    const parsed = SECTIONS[module.prober].safeParse({});
    if (parsed.success) return { ...module, [module.prober]: parsed.data };
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ ...issue, path: [module.prober, ...issue.path] } as z.core.$ZodRawIssue);
    }
    return z.NEVER;
  });

/** One module as loaded. */
export type ProbeModule = z.output<typeof moduleSchema>;

/** `jobs[]`: targets probed with one module on one interval. */
export const probeJobSchema = z
  .object({
    job_name: z
      .string()
      .min(1)
      .describe("Value of the `job` label of every series the job writes."),
    module: z.string().min(1).describe("Name of the module under `modules` to probe with."),
    interval: intervalDuration()
      .prefault("15s")
      .describe("How often each target is probed; probes spread over the interval."),
    targets: z
      .array(z.string().min(1))
      .min(1)
      .describe(
        "What to probe: a URL for http, host:port for tcp, a DNS server host[:port] for dns, a host for icmp. Each becomes the `instance` label.",
      ),
    labels: labelSet()
      .prefault({})
      .refine((l) => !("job" in l) && !("instance" in l), {
        error: "job and instance are set by job_name and the target; they cannot be labels",
      })
      .describe("Labels added to every series of the job, besides job and instance."),
  })
  .strict()
  .superRefine((job, ctx) => {
    const seen = new Set<string>();
    job.targets.forEach((target, i) => {
      if (seen.has(target)) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i],
          message: `duplicate target "${target}"`,
        });
      }
      seen.add(target);
    });
  });

/** `probes`: modules and jobs. */
export const probesSchema = z
  .object({
    modules: z
      .record(z.string().min(1), moduleSchema)
      .prefault({})
      .describe("Probe modules by name, as in blackbox_exporter's config file."),
    jobs: z
      .array(probeJobSchema)
      .prefault([])
      .describe("Probe jobs: which targets, which module, how often."),
  })
  .strict()
  .superRefine((probes, ctx) => {
    const names = new Set<string>();
    probes.jobs.forEach((job, i) => {
      if (names.has(job.job_name)) {
        ctx.addIssue({
          code: "custom",
          path: ["jobs", i, "job_name"],
          message: `duplicate job_name "${job.job_name}"`,
        });
      }
      names.add(job.job_name);
      const module = probes.modules[job.module];
      if (!module) {
        const known = Object.keys(probes.modules).join(", ") || "none";
        ctx.addIssue({
          code: "custom",
          path: ["jobs", i, "module"],
          message: `unknown module "${job.module}" (modules: ${known})`,
        });
      } else {
        checkTargets(module.prober, job.targets, (j, message) =>
          ctx.addIssue({ code: "custom", path: ["jobs", i, "targets", j], message }),
        );
      }
      if (module && module.timeout > job.interval) {
        ctx.addIssue({
          code: "custom",
          path: ["jobs", i, "interval"],
          message: `interval is shorter than the timeout of module "${job.module}"`,
        });
      }
    });
  });

/** The `probes` section as validated. */
export type ProbesConfig = z.output<typeof probesSchema>;

/** Resolves every relative `*_file` path in the modules against the config file's folder. */
export function resolveProbeFiles(probes: ProbesConfig, baseDir: string): ProbesConfig {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        key.endsWith("_file") && typeof v === "string" && !isAbsolute(v)
          ? resolve(baseDir, v)
          : walk(v);
    }
    return out;
  };
  return { ...probes, modules: walk(probes.modules) as ProbesConfig["modules"] };
}

/**
 * Checks that each target has the form its prober takes, so a typo fails at load time rather
 * than in every run: a URL for http (http:// assumed without a scheme, as blackbox_exporter
 * does), host:port for tcp, and a host (with an optional port for dns) otherwise.
 */
function checkTargets(
  prober: ProberName,
  targets: readonly string[],
  report: (index: number, message: string) => void,
): void {
  targets.forEach((target, i) => {
    const problem = targetProblem(prober, target);
    if (problem) report(i, problem);
  });
}

function targetProblem(prober: ProberName, target: string): string | null {
  switch (prober) {
    case "http": {
      const text = /^https?:\/\//.test(target) ? target : `http://${target}`;
      return URL.canParse(text) ? null : `"${target}" is not a URL`;
    }
    case "tcp":
      try {
        splitHostPort(target);
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    case "dns":
    case "icmp":
      return /\s|\//.test(target) ? `"${target}" is not a host name or address` : null;
  }
}
