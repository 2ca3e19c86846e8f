/**
 * The aggregator config's rule settings, written as in prometheus.yml: `rule_files` at the
 * top and `evaluation_interval`, `rule_query_offset` and `external_labels` under `global`.
 */
import { z } from "zod";
import { duration, intervalDuration, labelSet } from "../../shared/config/fields.ts";
import { goMatch } from "../../shared/config/go_glob.ts";

/** Prometheus's check of a rule file path: a `*` only in its last segment. */
const RULE_PATH = /^[^*]*(\*[^/]*)?$/;

/** Whether Go's filepath.Match takes the glob (its one error is a malformed pattern). */
function wellFormed(glob: string): boolean {
  try {
    goMatch(glob, "");
    return true;
  } catch {
    return false;
  }
}

/** `rule_files`: globs of Prometheus rule files, relative to the config file's directory. */
export const ruleFilesSchema = z
  .array(
    z
      .string()
      .min(1)
      .refine((glob) => RULE_PATH.test(glob), {
        error: (issue) => `invalid rule file path ${JSON.stringify(issue.input)}`,
      })
      .refine(wellFormed, { error: "syntax error in pattern" }),
  )
  .default([])
  .meta({ "x-type": "list of globs" })
  .describe(
    "Prometheus rule files to load, as globs relative to the directory of this file (`rules/*.yml`), read as Prometheus reads them: Go's filepath.Glob (`*`, `?`, `[a-z]`; no `{a,b}` or `**`), a `*` only in the last path segment. A glob matching nothing loads nothing; a bad file is reported and the other files' groups still load.",
  );

/** `global`: the settings prometheus.yml keeps there and the rules use. */
export const globalSchema = z
  .object({
    evaluation_interval: intervalDuration()
      .prefault("1m")
      .describe("How often rule groups without an `interval` of their own are evaluated."),
    rule_query_offset: duration()
      .prefault("0s")
      .describe(
        "How far in the past rule groups without a `query_offset` of their own evaluate, so that late samples are counted.",
      ),
    external_labels: labelSet()
      .default({})
      .describe(
        "Labels added to alerts this aggregator sends and readable in templates as `$externalLabels`, as in Prometheus.",
      ),
  })
  .strict();

/** `rule_evaluation`: what Prometheus sets with `--rules.*` and `--web.external-url` flags. */
export const ruleEvaluationSchema = z
  .object({
    for_outage_tolerance: duration()
      .prefault("1h")
      .describe(
        "How long after an outage (a restart, or a takeover of a group by another aggregator) the `for` state of alerts is still restored from `ALERTS_FOR_STATE`, as Prometheus's `--rules.alert.for-outage-tolerance`.",
      ),
    for_grace_period: duration()
      .prefault("10m")
      .describe(
        "Least time a restored pending alert waits before it fires, as `--rules.alert.for-grace-period`; alerts whose `for` is shorter are not restored.",
      ),
    resend_delay: duration()
      .prefault("1m")
      .describe(
        "How often a firing alert is given to the notifier again (`--rules.alert.resend-delay`).",
      ),
    external_url: z
      .string()
      // As Prometheus trims --web.external-url: `https://x/` links `https://x/graph`, not `//graph`.
      .transform((url) => url.replace(/\/+$/, ""))
      .default("")
      .describe(
        "The URL users reach this aggregator at, for `$externalURL` in templates and alerts' generator links (`--web.external-url`); empty means the HTTP listen address. A trailing `/` is dropped.",
      ),
  })
  .strict();
