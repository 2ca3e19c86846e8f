/** `packs` in the aggregator's config: which integration packs are offered (docs/integrations.md#packs). */
import { z } from "zod";
import { intervalDuration, positiveDuration } from "../../shared/config/fields.ts";

/** The packs Outpost ships: the host's, and one per integration of the agent. */
export const PACK_NAMES = [
  "node",
  "postgres",
  "redis",
  "mysql",
  "nginx",
  "haproxy",
  "apache",
  "memcached",
  "rabbitmq",
  "nats",
  "containers",
  "systemd",
] as const;

/** The name of a shipped pack. */
export type PackName = (typeof PACK_NAMES)[number];

/** `packs`: the integrations' alert rules and dashboards, offered when their series arrive. */
export const packsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Offer the integration packs: when a tenant's series of an integration arrive (`node_uname_info`, `pg_up`, `redis_up`, `mysql_up`, `nginx_up`, `haproxy_up`, `apache_up`, `memcached_up`, `rabbitmq_up`, `nats_up`, `container_scrape_error`, `node_systemd_unit_state`), its alert rules run as the rule group `pack:<name>` and its dashboard is imported into the folder Integrations. `false` offers none.",
      ),
    disabled: z
      .array(z.enum(PACK_NAMES))
      .default([])
      .describe(
        "Packs never offered, by name (`node`, `postgres`, `redis`, `mysql`, `nginx`, `haproxy`, `apache`, `memcached`, `rabbitmq`, `nats`, `containers`, `systemd`), when the others are.",
      ),
    check_interval: intervalDuration()
      .prefault("30s")
      .describe("How often each tenant's recent series are looked at for an integration's marker."),
    lookback: positiveDuration()
      .prefault("15m")
      .describe(
        "How far back a marker series counts as present: after a restart, a pack is offered again while its integration sent data this recently.",
      ),
  })
  .strict();

/** The parsed `packs` section. */
export type PacksConfig = z.infer<typeof packsSchema>;
