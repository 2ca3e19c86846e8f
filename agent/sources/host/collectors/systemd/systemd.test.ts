import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSearch } from "../../../../../shared/regex/regex.ts";
import { NoDataError } from "../../errors.ts";
import { fixtureContext, RecordingWriter } from "../../testing.ts";
import { parseUnits, timestamp, versionNumber } from "./show.ts";
import { SystemdCollector, systemdBooted } from "./systemd.ts";

const DATA = join(import.meta.dir, "testdata");
const text = (name: string) => Bun.file(join(DATA, name)).text();
/** node_exporter 1.5's defaults, anchored as it anchors them. */
const DEFAULTS = {
  unitInclude: compileSearch("^(?:.+)$"),
  unitExclude: compileSearch("^(?:.+\\.(automount|device|mount|scope|slice))$"),
};

async function collectFixture(): Promise<RecordingWriter> {
  const [manager, units] = await Promise.all([text("manager.txt"), text("units.txt")]);
  const c = new SystemdCollector({
    ...DEFAULTS,
    systemctl: async (args) => (args.includes("*") ? units : manager),
  });
  const w = new RecordingWriter();
  await c.collect(w, fixtureContext());
  return w;
}

describe("systemd collector over systemctl show output", () => {
  test.each([
    ["node_systemd_version", { version: "252.39-1~deb12u2" }, 252.39],
    ["node_systemd_system_running", {}, 0],
    ["node_systemd_units", { state: "active" }, 9],
    ["node_systemd_units", { state: "inactive" }, 3],
    ["node_systemd_units", { state: "failed" }, 1],
    ["node_systemd_units", { state: "activating" }, 1],
    ["node_systemd_units", { state: "deactivating" }, 0],
    ["node_systemd_unit_state", { name: "ssh.service", state: "active", type: "notify" }, 1],
    ["node_systemd_unit_state", { name: "ssh.service", state: "failed", type: "notify" }, 0],
    [
      "node_systemd_unit_state",
      { name: "postgresql@15-main.service", state: "failed", type: "forking" },
      1,
    ],
    ["node_systemd_unit_state", { name: "nginx.service", state: "activating", type: "simple" }, 1],
    ["node_systemd_unit_state", { name: "ssh.socket", state: "inactive" }, 1],
    ["node_systemd_unit_state", { name: "multi-user.target", state: "active" }, 1],
    ["node_systemd_timer_last_trigger_seconds", { name: "apt-daily.timer" }, 1795415101.123456],
    ["node_systemd_timer_last_trigger_seconds", { name: "fstrim.timer" }, 0],
    ["node_systemd_socket_accepted_connections_total", { name: "ssh.socket" }, 12],
    ["node_systemd_socket_current_connections", { name: "ssh.socket" }, 1],
    ["node_systemd_socket_refused_connections_total", { name: "ssh.socket" }, 2],
    ["node_systemd_service_restart_total", { name: "nginx.service" }, 12],
    ["node_systemd_service_restart_total", { name: "postgresql@15-main.service" }, 5],
    ["node_systemd_service_restart_total", { name: "ssh.service" }, 0],
  ] as const)("writes %s%o = %d", async (name, labels, value) => {
    const w = await collectFixture();
    expect(w.value(name, labels)).toBeCloseTo(value, 6);
  });

  test("per-unit series leave out excluded types and units that are not loaded", async () => {
    const w = await collectFixture();
    const names = new Set(
      w.samples.filter((s) => s.name === "node_systemd_unit_state").map((s) => s.labels.name),
    );
    for (const gone of [
      "-.mount",
      "dev-vda1.device",
      "system.slice",
      "session-1.scope",
      "plymouth-quit.service",
    ])
      expect(names.has(gone)).toBe(false);
    expect(names.size).toBe(9);
    // Five states per unit, exactly one of them 1.
    const ssh = w.samples.filter(
      (s) => s.name === "node_systemd_unit_state" && s.labels.name === "ssh.service",
    );
    expect(ssh.map((s) => s.value).sort()).toEqual([0, 0, 0, 0, 1]);
  });

  test("restart counts for loaded services only, none for other units or systemd before 235", async () => {
    const w = await collectFixture();
    const restarted = w.samples
      .filter((s) => s.name === "node_systemd_service_restart_total")
      .map((s) => s.labels.name)
      .sort();
    expect(restarted).toEqual([
      "apt-daily.service",
      "nginx.service",
      "postgresql@15-main.service",
      "ssh.service",
    ]);
    expect(parseUnits("Type=simple\nId=old.service\nLoadState=loaded\n")[0].restarts).toBe(
      undefined,
    );
  });

  test("families carry node_exporter's types", async () => {
    const w = await collectFixture();
    expect(w.families.get("node_systemd_service_restart_total")).toEqual({
      type: "counter",
      help: "Service unit count of Restart triggers",
    });
    expect(w.families.get("node_systemd_socket_accepted_connections_total")?.type).toBe("counter");
    expect(w.families.get("node_systemd_socket_refused_connections_total")?.type).toBe("gauge");
    expect(w.families.get("node_systemd_unit_state")?.help).toBe("Systemd unit");
  });
});

describe("parsing", () => {
  test.each([
    ["252.39-1~deb12u2", 252.39],
    ["252", 252],
    ["v99", 0],
    ["", 0],
  ])("versionNumber(%p) is %p", (v, n) => expect(versionNumber(v)).toBe(n));

  test.each([
    ["Mon 2026-11-23 06:25:01.123456 UTC", 1795415101.123456],
    ["Mon 2026-11-23 06:25:01 UTC", 1795415101],
    ["n/a", undefined],
    ["", undefined],
  ])("timestamp(%p) is %p", (t, s) => expect(timestamp(t)).toBe(s as number));

  test("a block without an Id and lines without = are skipped", () => {
    expect(parseUnits("garbage\nLoadState=loaded\n\nId=a.service\nType=simple\n")).toEqual([
      { name: "a.service", loadState: "", activeState: "", type: "simple" },
    ]);
  });
});

describe("hosts without systemd", () => {
  test("this machine's PID 1 is not systemd, so the collector runs nothing and reports no data", async () => {
    // Skipped only where the tests run on a systemd host: the check itself is tested below.
    if (systemdBooted("/proc", "/")) return;
    const c = new SystemdCollector(DEFAULTS);
    let thrown: unknown;
    const w = new RecordingWriter();
    try {
      await c.collect(w, { ...fixtureContext(), paths: { proc: "/proc", sys: "/sys", root: "/" } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(NoDataError);
    expect(w.samples).toEqual([]);
  });

  test.each([
    ["systemd", true, true],
    ["systemd", false, false],
    ["init", true, false],
    [null, true, false],
  ] as const)("PID 1 named %p with /run/systemd/system %p is systemd: %p", (comm, runDir, want) => {
    const dir = mkdtempSync(join(tmpdir(), "outpost-systemd-"));
    mkdirSync(join(dir, "proc/1"), { recursive: true });
    if (comm !== null) writeFileSync(join(dir, "proc/1/comm"), `${comm}\n`);
    if (runDir) mkdirSync(join(dir, "root/run/systemd/system"), { recursive: true });
    expect(systemdBooted(join(dir, "proc"), join(dir, "root"))).toBe(want);
  });
});
