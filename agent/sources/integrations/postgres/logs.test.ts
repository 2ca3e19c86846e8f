import { describe, expect, test } from "bun:test";
import { compileStartPattern } from "../../file/config.ts";
import { parseLines } from "../log_testing.ts";
import { type PostgresLogSettings, postgresLogFiles, postgresLogSources } from "./logs.ts";

// Lines PostgreSQL 15 (Debian 12) wrote with logging_collector on: `select 1/0`, then a login
// as a missing role.
const LINES = [
  "2026-11-23 05:45:09.204 UTC [24638] LOG:  database system is ready to accept connections",
  "2026-11-23 05:45:12.395 UTC [24684] ERROR:  division by zero",
  "2026-11-23 05:45:12.395 UTC [24684] STATEMENT:  select 1/0",
  '2026-11-23 05:45:12.534 UTC [24687] FATAL:  role "nobody" does not exist',
  // Debian's `%m [%p] %q%u@%d `, for a session.
  "2026-11-23 05:46:01.002 UTC [24701] app@shop WARNING:  there is no transaction in progress",
];

const at = { key: "postgres:5432", instance: "127.0.0.1:5432" };

function run(prefix: string, lines: string[]) {
  return parseLines(postgresLogSources(at, ["/var/log/postgresql/x.log"], prefix)[0], lines);
}

describe("PostgreSQL log source", () => {
  test("is a file source labelled job integrations/postgres, log server", () => {
    const [s] = postgresLogSources(at, ["/l/*.log"]);
    expect(s).toMatchObject({
      name: "integrations-postgres_5432-server",
      include: ["/l/*.log"],
      labels: { job: "integrations/postgres", instance: "127.0.0.1:5432", log: "server" },
    });
  });

  test("a line becomes its time, a normalised level, pid, and user and database when present", () => {
    const out = run("%m [%p] %q%u@%d ", [LINES[0], LINES[1], LINES[3], LINES[4]]);
    expect(out.map((o) => o.level)).toEqual(["info", "error", "error", "warn"]);
    expect(out[0].fields).toEqual({ pid: "24638" });
    expect(out[3].fields).toEqual({ pid: "24701", user: "app", database: "shop" });
    expect(out[1].timeNs).toBe(BigInt(Date.UTC(2026, 10, 23, 5, 45, 12, 395)) * 1_000_000n);
  });

  test("STATEMENT, DETAIL and HINT lines, and a query's own lines, join the entry before them", () => {
    const [s] = postgresLogSources(at, ["/l"]);
    const start = compileStartPattern(s.multiline!.start_pattern);
    const starts = [
      ...LINES,
      "2026-11-23 05:45:12.395 UTC [24684] DETAIL:  Key (id)=(1) already exists.",
      "2026-11-23 05:45:12.395 UTC [24684] HINT:  No function matches the given name.",
      "\tFROM t WHERE a = 1",
      "2026-11-23 05:45:13 UTC [24684] PANIC:  could not write to file",
    ].map((l) => start.test(l));
    expect(starts).toEqual([true, true, false, true, true, false, false, false, true]);
  });

  test("a prefix it does not know keeps the level found in the line, and no fields", () => {
    const [s] = postgresLogSources(at, ["/l"], "%t %a ");
    expect(s.multiline).toBeUndefined();
    const out = run("%t %a ", ["2026-11-23 05:45:12 UTC psql ERROR:  division by zero"]);
    expect(out).toMatchObject([{ level: "error", fields: {} }]);
  });
});

describe("postgresLogFiles()", () => {
  const base: PostgresLogSettings = {
    logging_collector: "on",
    log_destination: "stderr",
    log_directory: "log",
    log_filename: "postgresql-%Y-%m-%d_%H%M%S.log",
    data_directory: "/srv/pg/data",
    cluster_name: "",
    log_line_prefix: "%m [%p] ",
  };

  test("globs the collector's files, relative to the data directory", () => {
    expect(postgresLogFiles(base)).toBe("/srv/pg/data/log/postgresql-*-*-*_*.log");
    expect(postgresLogFiles({ ...base, log_directory: "/var/log/pg" })).toBe(
      "/var/log/pg/postgresql-*-*-*_*.log",
    );
  });

  test("without the collector, finds a Debian cluster's file from its cluster_name", () => {
    const s = { ...base, logging_collector: "off", cluster_name: "15/main" };
    expect(postgresLogFiles(s)).toBe("/var/log/postgresql/postgresql-15-main.log");
  });

  test("without the collector or a Debian cluster, says to turn the collector on", () => {
    expect(() => postgresLogFiles({ ...base, logging_collector: "off" })).toThrow(
      /logging_collector is off.*turn logging_collector on/,
    );
  });
});
