/**
 * nginx's `stub_status` page and nginx-prometheus-exporter 0.11's families from it. Pure, so
 * a captured page tests it.
 */
import type { MetricWriter } from "../../../pipeline/emitter.ts";

/** The counters and gauges of one `stub_status` page. */
export interface StubStatus {
  active: number;
  accepted: number;
  handled: number;
  requests: number;
  reading: number;
  writing: number;
  waiting: number;
}

const PAGE =
  /Active connections:\s*(\d+)\s+server accepts handled requests\s+(\d+)\s+(\d+)\s+(\d+)\s+Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/;

/** Parses a `stub_status` page; throws a SyntaxError naming `url` when it is not one. */
export function parseStubStatus(text: string, url: string): StubStatus {
  const m = PAGE.exec(text);
  if (m === null)
    throw new SyntaxError(
      `Cannot parse ${url}: not an nginx stub_status page: ${text.slice(0, 60)}`,
    );
  const n = m.slice(1).map(Number);
  return {
    active: n[0],
    accepted: n[1],
    handled: n[2],
    requests: n[3],
    reading: n[4],
    writing: n[5],
    waiting: n[6],
  };
}

/** The exporter's families: name, type, HELP and the field it reads. */
const FAMILIES: readonly [string, "counter" | "gauge", string, keyof StubStatus][] = [
  ["nginx_connections_accepted", "counter", "Accepted client connections", "accepted"],
  ["nginx_connections_active", "gauge", "Active client connections", "active"],
  ["nginx_connections_handled", "counter", "Handled client connections", "handled"],
  [
    "nginx_connections_reading",
    "gauge",
    "Connections where NGINX is reading the request header",
    "reading",
  ],
  ["nginx_connections_waiting", "gauge", "Idle client connections", "waiting"],
  [
    "nginx_connections_writing",
    "gauge",
    "Connections where NGINX is writing the response back to the client",
    "writing",
  ],
  ["nginx_http_requests_total", "counter", "Total http requests", "requests"],
];

/** The exporter's `up` family. */
export const NGINX_UP = { name: "nginx_up", help: "Status of the last metric scrape" };

/** Writes one successful collection's families, `nginx_up 1` included. */
export function writeStubStatus(w: MetricWriter, s: StubStatus): void {
  for (const [name, type, help, field] of FAMILIES) {
    w.family(name, type, help);
    w.sample(name, [], s[field]);
  }
  w.family(NGINX_UP.name, "gauge", NGINX_UP.help);
  w.sample(NGINX_UP.name, [], 1);
}
