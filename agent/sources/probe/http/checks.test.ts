import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runProbe } from "./testdata/collect.ts";
import { OK, route, summary } from "./testdata/routes.ts";
import { type RawServer, rawServer } from "./testdata/server.ts";

// Expected values were checked against blackbox_exporter 0.23.0 probing the same responses.

let server: RawServer;
beforeAll(async () => {
  server = await rawServer(route);
});
afterAll(() => server.close());

const MULTI = (regexp: string) => [{ header: "X-Multi", regexp }];

const cases: Array<[string, string, Record<string, unknown>, boolean, Partial<typeof OK>]> = [
  [
    "fail_if_body_not_matches_regexp passes on a match",
    "/ok",
    { fail_if_body_not_matches_regexp: ["^hel+o$"] },
    true,
    OK,
  ],
  [
    "fail_if_body_not_matches_regexp fails without a match",
    "/close",
    { fail_if_body_not_matches_regexp: ["^hel+o$"] },
    false,
    { regex: 1, bodyLength: 11 },
  ],
  [
    "fail_if_body_matches_regexp searches unanchored",
    "/ok",
    { fail_if_body_matches_regexp: ["l+"] },
    false,
    { regex: 1 },
  ],
  [
    "fail_if_header_not_matches needs one value to match",
    "/ok",
    { fail_if_header_not_matches: MULTI("^c") },
    false,
    { regex: 1, bodyLength: 5 },
  ],
  [
    "fail_if_header_not_matches passes when one value matches",
    "/ok",
    { fail_if_header_not_matches: MULTI("^b") },
    true,
    OK,
  ],
  [
    "fail_if_header_matches fails when any value matches",
    "/ok",
    { fail_if_header_matches: MULTI("c$") },
    false,
    { regex: 1 },
  ],
  [
    "a missing header fails a header check",
    "/ok",
    { fail_if_header_matches: [{ header: "X-None", regexp: "c" }] },
    false,
    { regex: 1 },
  ],
  [
    "allow_missing lets a missing header pass",
    "/404",
    {
      valid_status_codes: [404],
      fail_if_header_matches: [{ header: "X-None", regexp: "c", allow_missing: true }],
      fail_if_body_matches_regexp: ["nop"],
    },
    false,
    { regex: 1 },
  ],
  [
    "body checks are skipped after a bad status",
    "/404",
    { fail_if_body_matches_regexp: ["nop"] },
    false,
    { regex: 0 },
  ],
  ["fail_if_not_ssl fails over plain http", "/ok", { fail_if_not_ssl: true }, false, { ...OK }],
  [
    "valid_http_versions fails another version",
    "/close",
    { valid_http_versions: ["HTTP/1.1"] },
    false,
    { version: 1, status: 200 },
  ],
];

describe("probeHttp() checks", () => {
  test.each(cases)("%s", async (_name, path, section, success, expected) => {
    const run = await runProbe(server.url(path), section);
    expect({ success: run.success, ...summary(run.m) }).toMatchObject({ success, ...expected });
  });
});
