import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { footerNames, localZone, localZoneFile, parseTzif, zoneName } from "./timezone.ts";

const zone = (file: string) =>
  parseTzif(readFileSync(join(import.meta.dir, "testdata/zoneinfo", file)));
const at = (iso: string) => Date.parse(iso) / 1000;

test.each([
  // file, instant, UTC offset the JavaScript clock reports, expected abbreviation
  ["Europe-Berlin.tzif", "2026-01-15T12:00:00Z", 3600, "CET"],
  ["Europe-Berlin.tzif", "2026-07-15T12:00:00Z", 7200, "CEST"],
  ["Europe-Berlin.tzif", "1945-06-01T12:00:00Z", 10800, "CEMT"],
  ["Europe-Berlin.tzif", "2045-07-15T12:00:00Z", 7200, "CEST"],
  ["slim-cet.tzif", "2026-01-15T12:00:00Z", 3600, "CET"],
  ["slim-cet.tzif", "2026-07-15T12:00:00Z", 7200, "CEST"],
  ["America-Sao_Paulo.tzif", "2026-01-15T12:00:00Z", -10800, "-03"],
] as const)("zoneName() names %s at %s as Go does", (file, iso, offset, name) => {
  expect(zoneName(zone(file), at(iso), offset)).toBe(name);
});

test.each([
  ["CET-1CEST,M3.5.0,M10.5.0/3", { std: "CET", stdOffset: 3600, dst: "CEST", dstOffset: 7200 }],
  ["<-03>3", { std: "-03", stdOffset: -10800, dst: "", dstOffset: -7200 }],
  ["UTC0", { std: "UTC", stdOffset: 0, dst: "", dstOffset: 3600 }],
  ["IST-5:30", { std: "IST", stdOffset: 19800, dst: "", dstOffset: 23400 }],
  ["AAA3BBB2,M3.2.0,M11.1.0", { std: "AAA", stdOffset: -10800, dst: "BBB", dstOffset: -7200 }],
])("footerNames() reads the POSIX rule %s", (rule, expected) => {
  expect(footerNames(rule)).toEqual(expected);
});

test.each([
  [undefined, "/etc/localtime"],
  ["", null],
  ["UTC", null],
  [":UTC", null],
  ["Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin"],
  [":/opt/zones/x", "/opt/zones/x"],
])("localZoneFile() follows Go's TZ rules for TZ=%p", (tz, file) => {
  expect(localZoneFile(tz)).toBe(file);
});

test("localZone() gives this machine's offset with a name", () => {
  const now = Date.now();
  const z = localZone(now);
  expect(z.offset).toBe(-new Date(now).getTimezoneOffset() * 60 || 0);
  expect(Object.is(z.offset, -0)).toBe(false);
  expect(z.name).not.toBe("");
});

test("parseTzif() rejects a file that is not TZif", () => {
  expect(() => parseTzif(new TextEncoder().encode("nope, not a zone"))).toThrow(/TZif/);
});
