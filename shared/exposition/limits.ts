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

/** Throws when `length` bytes of `what` break `max` (0: no limit). */
export function checkLength(
  limit: ExpositionLimitName,
  what: string,
  length: number,
  max: number,
): void {
  if (max > 0 && length > max) {
    throw new ExpositionLimitError(
      limit,
      `${limit} exceeded: ${what} is ${length} bytes, limit ${max}`,
    );
  }
}
