/**
 * Stores chosen by a request's tenants, for every read surface: an API is given either one
 * store (tests, tools, a single tenant) or a function from the tenants the guard resolved to
 * the store of those tenants (the aggregator: federated when there are several).
 */
import type { MetricMetadata } from "../../shared/model/sample.ts";
import type { MetadataSource } from "./query/metadata.ts";

/** One store, or the store of a request's tenants. */
export type PerTenants<T extends object> = T | ((tenants: readonly string[]) => T);

/** The store for `tenants`. */
export function forTenants<T extends object>(source: PerTenants<T>, tenants: readonly string[]): T {
  return typeof source === "function" ? (source as (t: readonly string[]) => T)(tenants) : source;
}

/** Metric metadata of a request's tenants (the default tenant's when called without). */
export type TenantMetadata = (tenants: readonly string[]) => readonly MetricMetadata[];

/** The metadata source of one request. */
export function metadataFor(
  source: TenantMetadata | undefined,
  tenants: readonly string[],
): MetadataSource | undefined {
  return source && (() => source(tenants));
}
