import { expect, test } from "bun:test";
import { haproxyConfigs, statsOf } from "./conf.ts";

test.each([
  [
    "Debian's default: the global stats socket",
    "global\n  log /dev/log local0\n  stats socket /run/haproxy/admin.sock mode 660 level admin\n  stats timeout 30s\n",
    { socket: "/run/haproxy/admin.sock" },
  ],
  [
    "a stats page in a frontend, its uri on its bind port",
    "frontend stats\n  bind *:8404\n  stats enable\n  stats uri /stats\n  stats refresh 10s\n",
    { statsUrl: "http://127.0.0.1:8404/stats;csv" },
  ],
  [
    "stats enable alone serves HAProxy's default path",
    "listen admin\n  bind 127.0.0.1:9000\n  stats enable\n",
    { statsUrl: "http://127.0.0.1:9000/haproxy?stats;csv" },
  ],
  [
    "a TCP stats socket is not a Unix socket; a backend's stats lines do not count",
    "global\n  stats socket ipv4@127.0.0.1:9999 level admin\nbackend app\n  stats enable\n  server a 10.0.0.1:80\n",
    {},
  ],
  [
    "HAProxy's built-in Prometheus exporter in a frontend, on its condition's path",
    "frontend prometheus\n  bind 127.0.0.1:8405\n  http-request use-service prometheus-exporter if { path /metrics }\n  no log\n",
    { prometheusUrl: "http://127.0.0.1:8405/metrics" },
  ],
  [
    "the exporter with no condition answers on /metrics; other services do not count",
    "listen m\n  bind :9101\n  http-request use-service prometheus-exporter\nfrontend x\n  bind :81\n  http-request use-service lua.hello\n",
    { prometheusUrl: "http://127.0.0.1:9101/metrics" },
  ],
  [
    "the exporter beside the stats socket and page: all three are found",
    "global\n  stats socket /run/h.sock\nfrontend s\n  bind :8404\n  stats enable\n  stats uri /stats\n  http-request use-service prometheus-exporter if { path /prom }\n",
    {
      socket: "/run/h.sock",
      statsUrl: "http://127.0.0.1:8404/stats;csv",
      prometheusUrl: "http://127.0.0.1:8404/prom",
    },
  ],
])("statsOf(): %s", (_, text, want) => {
  expect(statsOf(text)).toEqual(want);
});

test.each([
  [
    "/usr/sbin/haproxy -Ws -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid -S /run/haproxy-master.sock",
    ["/etc/haproxy/haproxy.cfg"],
  ],
  ["haproxy -f /a.cfg -f /conf.d", ["/a.cfg", "/conf.d"]],
  ["haproxy", ["/etc/haproxy/haproxy.cfg"]],
])("haproxyConfigs(%p) is %p", (cmdline, want) => {
  expect(haproxyConfigs(cmdline)).toEqual(want);
});
