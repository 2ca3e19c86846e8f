import { describe, expect, test } from "bun:test";
import type { StreamResult } from "../../../logs/result.ts";
import { categorizedStreamsJson, mergedStreamsJson } from "./streams.ts";

const streams: StreamResult[] = [
  {
    stream: { app: "api", trace: "stream" },
    values: [
      ["3", "c", { trace: "t2", user: "u" }],
      ["2", "b", { user: "u" }],
      ["1", "a"],
    ],
  },
  { stream: { app: "db" }, values: [["4", "<d>"]] },
];

describe("mergedStreamsJson()", () => {
  test("splits a stream by metadata, renaming names the stream already has", () => {
    expect(JSON.parse(mergedStreamsJson(streams))).toEqual([
      { stream: { app: "db" }, values: [["4", "<d>"]] },
      {
        stream: { app: "api", trace: "stream", trace_extracted: "t2", user: "u" },
        values: [["3", "c"]],
      },
      { stream: { app: "api", trace: "stream", user: "u" }, values: [["2", "b"]] },
      { stream: { app: "api", trace: "stream" }, values: [["1", "a"]] },
    ]);
  });
});

describe("categorizedStreamsJson()", () => {
  test("keeps each stream and puts the metadata beside each line", () => {
    expect(JSON.parse(categorizedStreamsJson(streams))).toEqual([
      {
        stream: { app: "api", trace: "stream" },
        values: [
          ["3", "c", { structuredMetadata: { trace: "t2", user: "u" } }],
          ["2", "b", { structuredMetadata: { user: "u" } }],
          ["1", "a", {}],
        ],
      },
      { stream: { app: "db" }, values: [["4", "<d>", {}]] },
    ]);
  });
});
