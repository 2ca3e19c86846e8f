/**
 * The `integrations` section's memcached, RabbitMQ and NATS entries (config.ts spreads them
 * in): explicit instances, and the login detected RabbitMQ nodes are asked with.
 */
import { z } from "zod";
import { filePath } from "../../../shared/config/fields.ts";
import { oneSecret, secretFields } from "./secret_fields.ts";

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).describe(what);

/** How the agent logs in to RabbitMQ's management API. */
export const rabbitmqLogin = {
  user: z
    .string()
    .min(1)
    .default("guest")
    .describe(
      "Management API user (the `monitoring` tag is enough). `guest` without a password source uses RabbitMQ's default `guest` password, which it accepts from loopback only.",
    ),
  ...secretFields,
};

const memcachedInstance = z
  .object({
    address: z
      .string()
      .regex(/^(\/.+|[^/:]+:\d+|\[[0-9a-fA-F:]+\]:\d+)$/, {
        error: "must be host:port or the path of a Unix socket",
      })
      .describe("host:port, or the path of memcached's Unix socket (`-s`)."),
    log: filePath()
      .optional()
      .describe(
        "memcached's log file to tail (where its stderr is written; `-v` adds connection events). Relative to the config file. Default: none.",
      ),
  })
  .strict();

const rabbitmqInstance = z
  .object({
    prometheus_url: httpUrl(
      "URL of the rabbitmq_prometheus plugin's page, e.g. http://127.0.0.1:15692/metrics. Scraped when set.",
    ).optional(),
    management_url: httpUrl(
      "Base URL of the management API, e.g. http://127.0.0.1:15672. Used when prometheus_url is not set or does not answer.",
    ).optional(),
    ...rabbitmqLogin,
  })
  .strict()
  .superRefine((v, ctx) => {
    oneSecret(v, ctx);
    if (v.prometheus_url === undefined && v.management_url === undefined)
      ctx.addIssue({ code: "custom", message: "set prometheus_url or management_url" });
  });

const natsInstance = z
  .object({
    monitor_url: httpUrl(
      "Base URL of nats-server's monitoring endpoint (`-m` / `http_port`), e.g. http://127.0.0.1:8222.",
    ),
    log: filePath()
      .optional()
      .describe(
        "nats-server's log file to tail (its `-l` / `log_file`). Relative to the config file. Default: none.",
      ),
  })
  .strict();

/** The default login of detected RabbitMQ nodes, for `integrations.defaults`. */
export const mqDefaults = {
  rabbitmq: z
    .object(rabbitmqLogin)
    .strict()
    .superRefine(oneSecret)
    .prefault({})
    .describe("Management API login for detected RabbitMQ nodes without the Prometheus plugin."),
};

/** The explicit instances, for the `integrations` section. */
export const mqInstances = {
  memcached: z
    .array(memcachedInstance)
    .prefault([])
    .describe("memcached servers to collect besides (or instead of) detected ones."),
  rabbitmq: z
    .array(rabbitmqInstance)
    .prefault([])
    .describe("RabbitMQ nodes to collect besides (or instead of) detected ones."),
  nats: z
    .array(natsInstance)
    .prefault([])
    .describe("nats-servers to collect besides (or instead of) detected ones."),
};
