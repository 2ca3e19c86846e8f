import { expect, test } from "bun:test";
import { formatReport } from "./integrations.ts";

test("formatReport() prints a row per service, each reason and each service's log files below", () => {
  const text = formatReport({
    autodetect: true,
    last_detection: "2026-01-01T00:00:00.000Z",
    integrations: [
      {
        kind: "postgres",
        key: "postgres:5432",
        address: "/run/postgresql:5432",
        how: "process",
        pid: 812,
        state: "refused",
        reason: "grant pg_monitor",
        last_collect: "2026-01-01T00:00:00.000Z",
        last_duration_seconds: 0.0031,
        series: 1,
      },
      {
        kind: "redis",
        key: "redis:6379",
        address: "127.0.0.1:6379",
        how: "config",
        pid: 0,
        state: "up",
        reason: "",
        last_collect: "2026-01-01T00:00:00.000Z",
        last_duration_seconds: 0.002,
        series: 131,
      },
      {
        kind: "nginx",
        key: "nginx:80",
        address: "127.0.0.1:80",
        how: "process",
        pid: 700,
        state: "up",
        reason: "",
        last_collect: "2026-01-01T00:00:00.000Z",
        last_duration_seconds: 0.0004,
        series: 8,
        logs: ["/var/log/nginx/access.log", "/var/log/nginx/error.log"],
      },
    ],
  });
  expect(text.split("\n")).toEqual([
    "SERVICE        ADDRESS               FOUND BY     STATE    LAST COLLECT  SERIES",
    "postgres:5432  /run/postgresql:5432  process 812  refused  3 ms          1",
    "redis:6379     127.0.0.1:6379        config       up       2 ms          131",
    "nginx:80       127.0.0.1:80          process 700  up       0 ms          8",
    "  postgres:5432: grant pg_monitor",
    "  nginx:80 logs: /var/log/nginx/access.log, /var/log/nginx/error.log",
    "(autodetect on, last detection 2026-01-01T00:00:00.000Z)",
  ]);
});

test("formatReport() says why nothing is listed", () => {
  expect(formatReport({ autodetect: false, last_detection: "", integrations: [] })).toBe(
    "No services collected; autodetect off (integrations.autodetect).",
  );
});
