import { expect, test } from "bun:test";
import { RecordingWriter } from "../../host/testing.ts";
import { NAMESPACES } from "./namespaces.ts";
import { shortVersion, writeBgwriter, writeNamespace } from "./write.ts";

const statDatabase = NAMESPACES.find((n) => n.name === "pg_stat_database")!;
const server = ["server", "db:5432"];

test("writeNamespace() maps labels, known and unknown columns, NULLs and times as the exporter", () => {
  const w = new RecordingWriter();
  writeNamespace(w, server, statDatabase, [
    {
      datid: 5,
      datname: "app",
      xact_commit: "15",
      blk_read_time: 1.5,
      stats_reset: new Date(1_700_000_000_500),
      checksum_failures: null,
      sessions: "3",
    },
  ]);
  const labels = { server: "db:5432", datid: "5", datname: "app" };
  expect(w.value("pg_stat_database_xact_commit", labels)).toBe(15);
  expect(w.value("pg_stat_database_blk_read_time", labels)).toBe(1.5);
  expect(w.value("pg_stat_database_stats_reset", labels)).toBe(1_700_000_000.5);
  expect(w.value("pg_stat_database_checksum_failures", labels)).toBeNaN();
  expect(w.families.get("pg_stat_database_sessions")).toEqual({
    type: "unknown",
    help: "Unknown metric from pg_stat_database",
  });
  expect(w.families.get("pg_stat_database_xact_commit")?.type).toBe("counter");
  expect(w.families.has("pg_stat_database_datid")).toBe(false);
});

test("writeNamespace() writes nothing for no rows (no replicas, no slots)", () => {
  const w = new RecordingWriter();
  writeNamespace(w, server, NAMESPACES.find((n) => n.name === "pg_stat_replication")!, []);
  expect(w.samples).toEqual([]);
});

test("writeBgwriter() names counters with _total and skips columns a version lacks", () => {
  const w = new RecordingWriter();
  writeBgwriter(w, server, { buffers_alloc: "12", stats_reset: new Date(2_000) });
  expect(w.value("pg_stat_bgwriter_buffers_alloc_total", { server: "db:5432" })).toBe(12);
  expect(w.value("pg_stat_bgwriter_stats_reset_total", { server: "db:5432" })).toBe(2);
  expect(w.samples).toHaveLength(2);
});

test.each([
  ["PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu", "15.20.0"],
  ["PostgreSQL 9.6.24 on x86_64", "9.6.24"],
  ["PostgreSQL 17devel", "17.0.0"],
])("shortVersion(%p) is %p", (version, short) => {
  expect(shortVersion(version)).toBe(short);
});
