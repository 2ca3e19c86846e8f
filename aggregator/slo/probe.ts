/**
 * The one-line availability SLO of a probe target: `{ probe: https://example.com,
 * objective: 99.9 }` becomes a Sloth spec over `probe_success`, generated and alerted on like
 * any other. The SLI is an events one: failed probes over all probes in each window,
 * `count_over_time - sum_over_time` over `count_over_time`, so each probe counts once however
 * many agents probe the target and a missing scrape is neither a success nor a failure.
 */
import { goQuote } from "../../shared/model/go_string.ts";
import { parseSloSpec, type SpecResult } from "./spec.ts";

/** A probe SLO as configured: the target (`instance`) and/or the probe job, and the goal. */
export interface ProbeSlo {
  /** The probed target, which the probe source writes as the `instance` label. */
  readonly probe?: string;
  /** The probe job (`job` label); alone, it covers every target of the job. */
  readonly job?: string;
  /** Target percentage of successful probes, in (0, 100]. */
  readonly objective: number;
  /** The SLO name; derived from the target (or job) when not given. */
  readonly name?: string;
}

/** The service every probe SLO belongs to: `sloth_service="probe"`. */
export const PROBE_SERVICE = "probe";

/** The alert name of probe SLOs. */
export const PROBE_ALERT = "ProbeAvailabilitySLO";

/**
 * An SLO name Sloth accepts, from a target: scheme dropped, other characters as `-`. Sloth's
 * names are two characters at least, so a one-character host (`http://a`) is `probe-a`.
 */
export function probeSloName(target: string): string {
  const name = target
    .replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (name === "") return "target";
  return name.length === 1 ? `probe-${name}` : name;
}

/** The name of a probe SLO: its own, else derived from its target or job. */
export function nameOfProbeSlo(p: ProbeSlo): string {
  return p.name ?? probeSloName(p.probe ?? p.job ?? "");
}

/** The Sloth spec a probe SLO stands for, as the text a spec file would hold. */
export function probeSpecText(p: ProbeSlo): string {
  const matchers = [
    ...(p.job !== undefined ? [`job=${goQuote(p.job)}`] : []),
    ...(p.probe !== undefined ? [`instance=${goQuote(p.probe)}`] : []),
  ];
  const sel = `probe_success{${matchers.join(", ")}}[{{.window}}]`;
  const target = p.probe ?? `job ${p.job}`;
  const spec = {
    version: "prometheus/v1",
    service: PROBE_SERVICE,
    slos: [
      {
        name: nameOfProbeSlo(p),
        objective: p.objective,
        description: `Availability of ${target} as its probes see it.`,
        sli: {
          events: {
            error_query: `sum(count_over_time(${sel})) - sum(sum_over_time(${sel}))`,
            total_query: `sum(count_over_time(${sel}))`,
          },
        },
        alerting: {
          name: PROBE_ALERT,
          labels: { category: "availability" },
          annotations: { summary: `Probes of ${target} fail faster than the SLO allows.` },
          page_alert: { labels: { severity: "critical" } },
          ticket_alert: { labels: { severity: "warning" } },
        },
      },
    ],
  };
  // JSON is YAML: the spec goes through the same parser and checks as a file.
  return JSON.stringify(spec, null, 2);
}

/** Parses the spec of a probe SLO; `where` (`slo_probes[0]`) names it in problems. */
export function probeSpec(p: ProbeSlo, where: string): SpecResult {
  if (p.probe === undefined && p.job === undefined)
    return {
      spec: undefined,
      problems: [
        {
          file: where,
          line: 0,
          column: 0,
          path: "",
          reason: "Cannot generate probe SLO: set probe, job or both",
        },
      ],
    };
  return parseSloSpec(probeSpecText(p), where);
}
