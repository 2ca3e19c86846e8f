/**
 * `/api/v1/metadata`: `{"<metric>":[{"type":…,"help":…,"unit":…}, …]}`, answered by the
 * query service (../query/metadata.ts).
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { type MetadataSource, metadataFamilies } from "../query/metadata.ts";
import type { Form } from "./form.ts";
import { parseAtoi } from "./params.ts";
import { success } from "./respond.ts";

export type { MetadataSource } from "../query/metadata.ts";

/** Answers `/api/v1/metadata` (`metric`, `limit`, `limit_per_metric`). */
export function metadata(form: Form, source: MetadataSource | undefined): Response {
  const limit = readCount(form, "limit");
  const limitPerMetric = readCount(form, "limit_per_metric");
  const families = metadataFamilies(source, { metric: form.get("metric"), limit, limitPerMetric });
  return success(JSON.stringify(Object.fromEntries(families)));
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
