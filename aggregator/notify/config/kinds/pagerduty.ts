/** `pagerduty_configs`: Events API v2 (`routing_key`) or v1 (`service_key`). */
import { type IntegrationKind, inherit, integrationSpec } from "./kind.ts";

/** `pagerduty_configs`, its `url` from `global.pagerduty_url`. */
export const pagerduty: IntegrationKind = {
  spec: integrationSpec("pagerduty config", {
    service_key: "secret",
    service_key_file: "string",
    routing_key: "secret",
    routing_key_file: "string",
    url: "url",
    client: "string",
    client_url: "string",
    description: "string",
    details: { map: "string" },
    images: {
      list: {
        object: "pagerduty image",
        fields: { src: "string", alt: "string", href: "string" },
      },
    },
    links: { list: { object: "pagerduty link", fields: { href: "string", text: "string" } } },
    source: "string",
    severity: "string",
    class: "string",
    component: "string",
    group: "string",
  }),
  sendResolved: true,
  complete: (c, g) => {
    const keys = ["routing_key", "routing_key_file", "service_key", "service_key_file"];
    if (keys.every((k) => !c[k])) return "missing service or routing key in PagerDuty config";
    if (c.routing_key && c.routing_key_file) {
      return "at most one of routing_key & routing_key_file must be configured";
    }
    if (c.service_key && c.service_key_file) {
      return "at most one of service_key & service_key_file must be configured";
    }
    inherit(c, "url", g, "pagerduty_url");
  },
};
