/**
 * The volume histogram: how many lines a selector matched per step, by the values of one
 * label, answered by the LogQL engine as `sum by (<label>) (count_over_time(<sel> [<step>]))`,
 * so it counts exactly what a query would (storage's bucket pushdown included).
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { parseLogQL } from "../../logs/logql/parser.ts";
import type { LogQueryResult } from "../../logs/result.ts";
import type { LogQueryable } from "../../logs/source.ts";
import { checkRange, checkStep, defaultStepNs } from "./limits.ts";
import { type LogRunDeps, queryLogs } from "./run.ts";

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A volume request: a log selector (line filters allowed), the label to split by, a range. */
export interface VolumeRequest {
  readonly selector: string;
  /** Empty: one series, the total. */
  readonly by: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** 0: Loki's default step. */
  readonly stepNs: bigint;
}

/** Line counts per step: a matrix, one series per value of `by`. */
export async function logVolume(
  source: LogQueryable,
  deps: LogRunDeps,
  req: VolumeRequest,
  signal: AbortSignal,
): Promise<LogQueryResult> {
  if (req.by !== "" && !LABEL_NAME.test(req.by)) {
    throw new OutpostError(
      "bad_data",
      `invalid parameter "by": ${JSON.stringify(req.by)} is not a label name`,
    );
  }
  if (parseLogQL(req.selector).kind !== "log") {
    throw new OutpostError(
      "bad_data",
      `invalid parameter "selector": ${JSON.stringify(req.selector)} is not a log query`,
    );
  }
  checkRange(req.startNs, req.endNs);
  const stepNs = req.stepNs > 0n ? req.stepNs : defaultStepNs(req.startNs, req.endNs);
  checkStep(req.startNs, req.endNs, stepNs);
  const stepMs = Number(stepNs / 1_000_000n);
  if (stepMs < 1) throw new OutpostError("bad_data", `invalid parameter "step": below 1 ms`);
  const query = `sum by (${req.by}) (count_over_time(${req.selector} [${stepMs}ms]))`;
  const q = {
    query,
    startNs: req.startNs,
    endNs: req.endNs,
    stepMs,
    limit: 0,
    direction: "forward" as const,
    instant: false,
  };
  return (await queryLogs(source, deps, q, signal)).result;
}
