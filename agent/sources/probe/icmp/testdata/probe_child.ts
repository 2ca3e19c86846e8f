/**
 * Runs ICMP probes in a child process, so that tests can give it another network namespace,
 * ping_group_range and capability set. Argument: JSON [{target, config, timeoutMs}].
 * Prints JSON {results: [{target, ok, samples}], denied: <probes that threw ProbeSetupError>};
 * logs go to stderr.
 */
import { logger } from "../../../../../shared/log/log.ts";
import { ProbeSetupError } from "../../prober.ts";
import { RecordingWriter } from "../../testkit.ts";
import { icmpProbeSchema } from "../config.ts";
import { probeIcmp } from "../icmp.ts";

const probes: { target: string; config: object; timeoutMs: number }[] = JSON.parse(process.argv[2]);
let denied = 0;
const results = [];
for (const p of probes) {
  const w = new RecordingWriter();
  const ok = await probeIcmp({
    target: p.target,
    config: icmpProbeSchema.parse(p.config),
    w,
    signal: AbortSignal.timeout(p.timeoutMs),
    log: logger("probe-icmp-child"),
  }).catch((err) => {
    if (!(err instanceof ProbeSetupError)) throw err;
    denied++;
    return false;
  });
  results.push({ target: p.target, ok, samples: w.samples });
}
console.log(JSON.stringify({ results, denied }));
process.exit(0);
