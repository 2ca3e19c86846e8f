/**
 * mod_proxy_balancer's members as `ProxyStatus On` lists them on the `?auto` page
 * (`ProxyBalancer[0]Worker[0]Elected: 3`), written as apache_exporter 0.12's
 * `apache_proxy_balancer_*` families, labelled by balancer and worker.
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";
import type { StatusPage } from "./status.ts";

type Kind = "counter" | "gauge";
const REQUESTS = "Apache Proxy Balancer Request Count";

/** The line suffix each family reads, with its name, type and HELP (the exporter's, repeated HELP included). */
const FAMILIES: readonly [string, string, Kind, string][] = [
  ["]Elected", "apache_proxy_balancer_accesses_total", "counter", REQUESTS],
  ["]Busy", "apache_proxy_balancer_busy", "gauge", "Apache Proxy Balancer Active Requests"],
  ["]Sent", "apache_proxy_balancer_request_kbytes_total", "counter", REQUESTS],
  ["]Rcvd", "apache_proxy_balancer_response_kbytes_total", "counter", REQUESTS],
];

const STATUS = "apache_proxy_balancer_status";

/** Writes the balancers' families; a page without balancers writes none. */
export function writeBalancers(w: MetricWriter, page: StatusPage): void {
  let balancer = "UNKNOWN";
  let worker = "UNKNOWN";
  const declared = new Set<string>();
  const declare = (name: string, type: Kind, help: string) => {
    if (!declared.has(name)) w.family(name, type, help);
    declared.add(name);
  };
  for (const [key, value] of page) {
    if (!key.startsWith("ProxyBalancer[")) continue;
    const labels = ["balancer", balancer, "worker", worker];
    if (key.endsWith("]Name")) {
      if (key.includes("]Worker[")) worker = value;
      else balancer = value;
    } else if (key.endsWith("]Status")) {
      declare(STATUS, "gauge", "Apache Proxy Balancer Statuses");
      w.sample(STATUS, [...labels, "status", value], 1);
    } else {
      const family = FAMILIES.find(([suffix]) => key.endsWith(suffix));
      if (!family) continue;
      // Sent and Rcvd are in kB with a unit letter: `12K`.
      const n = Number(value.replace(/[kK]$/, ""));
      if (value === "" || Number.isNaN(n))
        throw new SyntaxError(`Cannot parse ${key}: "${value.slice(0, 40)}" is not a number`);
      declare(family[1], family[2], family[3]);
      w.sample(family[1], labels, n);
    }
  }
}
