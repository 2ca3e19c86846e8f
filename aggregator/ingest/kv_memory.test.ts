import { describe } from "bun:test";
import { keyValueCases } from "./kv.cases.ts";
import { MemoryKeyValueStore } from "./kv_memory.ts";

describe("MemoryKeyValueStore", () => {
  keyValueCases(async () => new MemoryKeyValueStore());
});
