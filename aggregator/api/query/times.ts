/** The bounds of time as Prometheus knows them: what "all time" means to a lookup. */

/** Prometheus's earliest time (`v1.MinTime`) in Unix ms: the default start of metadata queries. */
export const MIN_TIME_MS = Number((-9223372036854775n + 62135596801n) * 1000n);
/** Prometheus's latest time (`v1.MaxTime`) in Unix ms: the default end of metadata queries. */
export const MAX_TIME_MS = Number((9223372036854775n - 62135596801n) * 1000n + 999n);
