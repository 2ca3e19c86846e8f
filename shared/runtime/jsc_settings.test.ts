import { expect, test } from "bun:test";
import { missingSettings, NOTIFIER_JSC } from "./jsc_settings.ts";

test("a setting the environment names is the user's, whatever its value", () => {
  const heap = { BUN_JSC_forceRAMSize: "268435456" };
  expect(missingSettings(NOTIFIER_JSC, {})).toEqual({ BUN_JSC_useFTLJIT: "0", ...heap });
  expect(missingSettings(NOTIFIER_JSC, { BUN_JSC_useFTLJIT: "1" })).toEqual(heap);
  expect(missingSettings(NOTIFIER_JSC, { BUN_JSC_useFTLJIT: "", ...heap })).toEqual({});
  expect(missingSettings({ A: "1", B: "2" }, { B: "3", C: "4" })).toEqual({ A: "1" });
});
