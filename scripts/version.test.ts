import { expect, test } from "bun:test";
import packageJson from "../package.json" with { type: "json" };
import { OUTPOST_VERSION } from "../shared/runtime/version.ts";

test("OUTPOST_VERSION is package.json's version", () => {
  expect(OUTPOST_VERSION).toBe(packageJson.version);
});
