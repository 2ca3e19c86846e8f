/**
 * Caps on the labels of a scraped series, applied by the parser as it reads a series it has
 * not seen, before it makes any string: a 50 MB label value costs a scan, not 50 MB more.
 * They carry Prometheus's scrape config meaning (`label_limit`, `label_name_length_limit`,
 * `label_value_length_limit`), checked on the labels as scraped; lengths are in bytes, as in
 * Prometheus, and the metric name counts as the value of `__name__`.
 */
export interface ExpositionLimits {
  /** Labels per series, `__name__` included; 0: no limit. */
  readonly maxLabels: number;
  /** Bytes in a label name; 0: no limit. */
  readonly maxNameLength: number;
  /** Bytes in a label value or metric name; 0: no limit. */
  readonly maxValueLength: number;
}

/** No caps: the parser accepts any series the format allows. */
export const NO_LIMITS: ExpositionLimits = { maxLabels: 0, maxNameLength: 0, maxValueLength: 0 };

/** {@link ExpositionLimits} as the parser checks them: no limit is Infinity. */
export interface ResolvedLimits {
  readonly labels: number;
  readonly name: number;
  readonly value: number;
  /** The smallest length cap: a shorter name or value needs no further check. */
  readonly floor: number;
}

/** Resolves `limits` once per parse, so each check on the slow path is one comparison. */
export function resolveLimits(limits: ExpositionLimits): ResolvedLimits {
  const cap = (n: number) => (n > 0 ? n : Number.POSITIVE_INFINITY);
  const name = cap(limits.maxNameLength);
  const value = cap(limits.maxValueLength);
  return { labels: cap(limits.maxLabels), name, value, floor: Math.min(name, value) };
}

/** Which scrape config field a series broke. */
export type ExpositionLimitName =
  | "label_limit"
  | "label_name_length_limit"
  | "label_value_length_limit";

/** A series broke one of the {@link ExpositionLimits}; the scrape fails, as in Prometheus. */
export class ExpositionLimitError extends RangeError {
  constructor(
    readonly limit: ExpositionLimitName,
    message: string,
  ) {
    super(message);
  }
}

/** Throws when `length` bytes of `what` break `max`. */
export function checkLength(
  limit: ExpositionLimitName,
  what: string,
  length: number,
  max: number,
): void {
  if (length > max) {
    throw new ExpositionLimitError(
      limit,
      `${limit} exceeded: ${what} is ${length} bytes, limit ${max}`,
    );
  }
}
