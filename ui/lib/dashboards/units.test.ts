/**
 * Units as Grafana shows them: each expected string is what Grafana's
 * `getValueFormat(unit)(value, decimals)` gives (packages/grafana-data/src/valueFormats,
 * valueFormats.test.ts and the panels' own output), spaces included.
 */
import { describe, expect, test } from "bun:test";
import { autoDecimals, formattedToString, formatUnit, fromNow, toFixed } from "./units.ts";

const cases: [unit: string, value: number, decimals: number | null, shown: string][] = [
  ["none", 12.345, null, "12.3"],
  ["none", 1200, null, "1200"],
  ["short", 1200, null, "1.20 K"],
  ["short", 0.5, null, "0.500"],
  ["short", 2_500_000, 1, "2.5 Mil"],
  ["short", 3e9, null, "3 Bil"],
  ["percent", 42, null, "42%"],
  ["percent", 42.123, 1, "42.1%"],
  ["percentunit", 0.425, null, "42.5%"],
  ["bytes", 1.5 * 1024 ** 3, null, "1.50 GiB"],
  ["bytes", 512, null, "512 B"],
  ["bytes", 1024 ** 3, null, "1 GiB"],
  ["decbytes", 1.5e9, null, "1.50 GB"],
  ["decbytes", 1000, null, "1 kB"],
  ["decbytes", 0.5, null, "500 mB"],
  // Grafana's own cases (valueFormats.test.ts).
  ["currencyUSD", 1532.82, 2, "$1.53K"],
  ["ms", 0.0024, 4, "0.0024 ms"],
  ["ms", 1250, 2, "1.25 s"],
  ["ms", 10000086.123, 1, "2.8 hour"],
  ["ms", 1200, 0, "1 s"],
  ["kbytes", 10000000, 3, "9.537 GiB"],
  ["deckbytes", 10000000, 3, "10.000 GB"],
  ["currencyUSD", -1500, null, "-$1.50K"],
  ["si:mV", 1500, null, "1.50 V"],
  ["bool:up/down", 0, null, "down"],
  ["mwatt", 1500, null, "1.50 W"],
  ["kbytes", 2048, null, "2 MiB"],
  ["bits", 2048, null, "2 Kib"],
  ["Bps", 1_000_000, null, "1 MB/s"],
  ["binBps", 1536, null, "1.50 KiB/s"],
  ["bps", 25_000, null, "25 kb/s"],
  ["s", 0.0005, null, "500 µs"],
  ["s", 0.25, null, "250 ms"],
  ["s", 30, null, "30 s"],
  ["s", 90, null, "1.50 min"],
  ["s", 7200, null, "2 hour"],
  ["s", 172800, null, "2 day"],
  ["s", 0, null, "0 s"],
  ["ms", 250, null, "250 ms"],
  ["ms", 1500, null, "1.50 s"],
  ["ms", 120000, null, "2 min"],
  ["µs", 1500, null, "1.50 ms"],
  ["ns", 2_000_000, null, "2 ms"],
  ["m", 90, null, "1.50 hour"],
  ["h", 48, null, "2 day"],
  ["d", 14, null, "2 week"],
  ["dtdurations", 3723, null, "1 hour"],
  ["dtdurations", 3723, 2, "1 hour, 2 minutes, 3 seconds"],
  ["dtdurations", 86400 * 3, 1, "3 days, 0 hours"],
  ["dtdhms", 93784, null, "1 d 02:03:04"],
  ["dtdhms", 3723, null, "01:02:03"],
  ["hertz", 2.4e9, null, "2.40 GHz"],
  ["reqps", 1500, null, "1.50K req/s"],
  ["ops", 12, null, "12 ops/s"],
  ["iops", 3000, null, "3K io/s"],
  ["rps", 5, null, "5 rd/s"],
  ["eps", 2500, null, "2.50K evt/s"],
  ["pps", 1500, null, "1.50 kp/s"],
  ["rotrpm", 1200, null, "1200 rpm"],
  ["bool_yes_no", 1, null, "Yes"],
  ["bool", 0, null, "False"],
  ["mbytes", 2048, null, "2 GiB"],
  ["decgbytes", 1.5, null, "1.50 GB"],
  ["MBs", 1500, null, "1.50 GB/s"],
  ["celsius", 21.5, null, "21.5 °C"],
  ["volt", 0.005, null, "5 mV"],
  ["watt", 1500, null, "1.50 kW"],
  ["currencyUSD", 1500, null, "$1.50K"],
  ["currencyUSD", 9.99, 2, "$9.99"],
  ["suffix: rpm", 5, null, "5  rpm"],
  ["suffix:rpm", 5, null, "5 rpm"],
  ["prefix:£", 5, null, "£5"],
  ["widgets", 3, null, "3 widgets"],
];

describe("formatUnit()", () => {
  test.each(cases)("shows %p %p (decimals %p) as %p", (unit, value, decimals, shown) => {
    expect(formattedToString(formatUnit(value, unit, decimals))).toBe(shown);
  });

  test("dateTimeAsIso shows the local date and time", () => {
    const ms = new Date(2024, 0, 2, 3, 4, 5).getTime();
    expect(formattedToString(formatUnit(ms, "dateTimeAsIso"))).toBe("2024-01-02 03:04:05");
  });

  test("locale groups thousands and keeps at most the decimals", () => {
    const text = formattedToString(formatUnit(1234567.891, "locale", 1));
    expect(text.replace(/[^0-9.]/g, "")).toBe("1234567.9");
  });
});

describe("toFixed()", () => {
  test.each([
    [1.5, null, "1.50"],
    [0.123456, null, "0.123"],
    [100, null, "100"],
    [99.95, 1, "100.0"],
    [0, 2, "0.00"],
    // Grafana's getDecimalsForValue divides the signed value: no extra decimal below zero.
    [-2.5, null, "-2.5"],
    [Number.POSITIVE_INFINITY, null, "∞"],
    [100.4, null, "100"],
    [100.5, null, "101"],
    [100.37, 1, "100.4"],
    [100.4, 2, "100.40"],
    [186.123, -2, "186"],
  ] as const)("rounds %p with decimals %p to %p", (v, d, out) => {
    expect(toFixed(v, d)).toBe(out);
  });

  test("autoDecimals() gives integers none", () => {
    expect(autoDecimals(42)).toBe(0);
  });
});

describe("fromNow()", () => {
  test.each([
    [30_000, "a few seconds ago"],
    [5 * 60_000, "5 minutes ago"],
    [3 * 3_600_000, "3 hours ago"],
    [5 * 86_400_000, "5 days ago"],
    [-2 * 3_600_000, "in 2 hours"],
  ])("words %p ms before now as %p", (ago, text) => {
    const now = 1_700_000_000_000;
    expect(fromNow(now - ago, now)).toBe(text);
  });
});
