import { describe, expect, test } from "bun:test";
import { acceptsCompression, type Compression } from "./compression.ts";

// Each verdict but the last was checked with `blackbox_exporter --config.check` (0.23.0).
describe("acceptsCompression()", () => {
  test.each<[Compression, string, boolean]>([
    ["", "br", true],
    ["gzip", "gzip", true],
    ["gzip", "br", false],
    ["gzip", "br;q=1.0, gzip;q=0.9", true],
    ["gzip", "br, gzip;q=0", false],
    ["gzip", "*", true],
    ["gzip", "*;q=0", false],
    ["gzip", "gzip;q=0, *", true],
    ["identity", "br", false],
    ["identity", "identity, br", true],
    ["deflate", "gzip;q=0.5x, deflate;q=0.1", true],
    ["gzip", "gzip;q=0.5x", false],
    ["gzip", " gzip ; q=0.5", true],
    // The one deviation: blackbox compares case-sensitively, but codings are case-insensitive.
    ["gzip", "GZIP", true],
  ])("compression %p with Accept-Encoding %p: %p", (compression, header, expected) => {
    expect(acceptsCompression(compression, header)).toBe(expected);
  });
});
