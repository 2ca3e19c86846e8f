/** Times as Go's `encoding/json` writes a `time.Time`, where Prometheus's and Alertmanager's APIs show them. */

/** Go's zero `time.Time`: an alert not yet active, or not yet resolved (`endsAt`). */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

/** `ms` as Go's JSON writes a time (RFC 3339, the fraction's trailing zeros dropped); 0 is Go's zero time. */
export function goJsonTime(ms: number): string {
  if (ms === 0) return ZERO_TIME;
  return new Date(ms).toISOString().replace(/\.?0*Z$/, "Z");
}
