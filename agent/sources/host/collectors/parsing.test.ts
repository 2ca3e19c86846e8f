import { expect, test } from "bun:test";
import { meminfoName } from "./meminfo.ts";
import { majorMinor, parseOsRelease } from "./os.ts";
import { parseProcStat } from "./processes.ts";
import { isDefaultVmstatField } from "./vmstat.ts";

test.each([
  ["MemTotal", true, "MemTotal_bytes"],
  ["Active(anon)", true, "Active_anon_bytes"],
  ["Inactive(file)", true, "Inactive_file_bytes"],
  ["HugePages_Total", false, "HugePages_Total"],
  ["Weird(a)(b)", true, "Weird_a)(b_bytes"],
])("meminfoName(%p) is node_exporter's name", (key, hasUnit, name) => {
  expect(meminfoName(key, hasUnit)).toBe(name);
});

test.each([
  ["oom_kill", true],
  ["pgpgin", true],
  ["pswpout", true],
  ["pgfault", true],
  ["pgmajfault", true],
  ["pgscan_kswapd", false],
  ["thp_fault_alloc", false],
  ["nr_free_pages", false],
])("isDefaultVmstatField(%p) is %p", (name, reported) => {
  expect(isDefaultVmstatField(name)).toBe(reported);
});

test.each([
  ["12", 12],
  ["22.04", 22.04],
  ["3.18.4", 3.18],
  ["11.", 11],
  ["rolling", 0],
  ["", 0],
])("majorMinor(%p) takes the major.minor part of VERSION_ID", (id, version) => {
  expect(majorMinor(id)).toBe(version);
});

test("parseOsRelease() reads quoted, single-quoted and bare values and skips comments", () => {
  const text = `NAME="Debian \\"GNU\\"/Linux"\n# c\nID=debian\nVARIANT='a \\ b'\n\nBAD LINE\n`;
  expect(Object.fromEntries(parseOsRelease(text))).toEqual({
    NAME: 'Debian "GNU"/Linux',
    ID: "debian",
    VARIANT: "a \\ b",
  });
});

test.each([
  ["1 (systemd) S 0 1 1 0 -1 4 1 0 0 0 5 3 0 0 20 0 1 0", "S", 1],
  ["7 (a) b (c)) R 0 1 1 0 -1 4 1 0 0 0 5 3 0 0 20 0 12 0 30", "R", 12],
])(
  "parseProcStat() finds state and threads after the last parenthesis: %p",
  (text, state, threads) => {
    expect(parseProcStat(text)).toEqual({ state, threads });
  },
);

test("parseProcStat() rejects a truncated stat file", () => {
  expect(() => parseProcStat("1 (x) S 0 1")).toThrow(/Cannot parse a process stat file/);
});
