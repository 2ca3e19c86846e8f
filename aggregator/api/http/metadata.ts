/**
 * `/api/v1/metadata`: HELP, TYPE and UNIT per metric family, as Prometheus answers it from its
 * scrape targets: `{"<metric>":[{"type":…,"help":…,"unit":…}, …]}`, one entry per distinct
 * metadata. Outpost answers from what its agents sent along with the samples.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { sortUtf8 } from "../../../shared/model/order.ts";
import type { MetricMetadata } from "../../../shared/model/sample.ts";
import type { Form } from "./form.ts";
import { parseAtoi } from "./params.ts";
import { success } from "./respond.ts";

/** Where the metadata comes from; absent until the aggregator keeps it. */
export type MetadataSource = () => readonly MetricMetadata[];

/** Answers `/api/v1/metadata` (`metric`, `limit`, `limit_per_metric`). */
export function metadata(form: Form, source: MetadataSource | undefined): Response {
  const limit = readCount(form, "limit");
  const limitPerMetric = readCount(form, "limit_per_metric");
  const metric = form.get("metric");
  const byName = new Map<string, Map<string, MetricMetadata>>();
  for (const m of source?.() ?? []) {
    if (metric !== "" && m.name !== metric) continue;
    let distinct = byName.get(m.name);
    if (!distinct) {
      distinct = new Map();
      byName.set(m.name, distinct);
    }
    distinct.set(`${m.type}\xff${m.help}\xff${m.unit}`, m);
  }
  const out: Record<string, { type: string; help: string; unit: string }[]> = {};
  let families = 0;
  // Prometheus answers a Go map, which encoding/json writes with its keys in byte order.
  for (const name of sortUtf8([...byName.keys()])) {
    // As Prometheus: a negative limit is no limit, and limit=0 answers nothing.
    if (limit >= 0 && families >= limit) break;
    let entries = [...byName.get(name)!.values()].map(({ type, help, unit }) => ({
      type,
      help,
      unit,
    }));
    if (limitPerMetric > 0) entries = entries.slice(0, limitPerMetric);
    out[name] = entries;
    families++;
  }
  return success(JSON.stringify(out));
}

/** An optional count (-1 when absent), refused with Prometheus's "<name> must be a number". */
function readCount(form: Form, name: string): number {
  const text = form.get(name);
  if (text === "") return -1;
  try {
    return parseAtoi(text);
  } catch {
    throw new OutpostError("bad_data", `${name} must be a number`);
  }
}
