/**
 * Thrown by a collector whose source does not exist on this host (no /proc/pressure, no
 * conntrack module): node_exporter's ErrNoData. The source reports the collector as not
 * successful, as node_exporter does, but neither counts it as an error nor warns about it.
 */
export class NoDataError extends Error {
  override readonly name = "NoDataError";
}
