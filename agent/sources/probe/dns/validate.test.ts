import { describe, expect, test } from "bun:test";
import type { ResourceRecord } from "../../../../shared/dns/wire.ts";
import { compileSearch } from "../../../../shared/regex/regex.ts";
import { type RRValidator, rrValidatorSchema } from "./config.ts";
import { checkRcode, checkRecords } from "./validate.ts";

const rr = (text: string): ResourceRecord => ({ name: "", type: 1, cls: 1, ttl: 0, text });
const A = rr("www.example.test.\t600\tIN\tA\t192.0.2.10");
const AAAA = rr("www.example.test.\t600\tIN\tAAAA\t2001:db8::10");
const validator = (v: Partial<RRValidator>) => rrValidatorSchema.parse(v);

describe("compileSearch()", () => {
  test.each([
    ["192\\.0", "a 192.0.2.1 b", true],
    ["^www", "www.example.test.", true],
    ["^example", "www.example.test.", false],
    ["test\\.$", "www.example.test.", true],
    ["IN\\s+A\\s", A.text, true],
    ["(?i)EXAMPLE", A.text, true],
    ["a.b", "a\nb", false],
    ["\\d+\\.\\d+", "ttl 600", false],
  ])("%p on %p matches: %p", (pattern, text, want) => {
    expect(compileSearch(pattern).test(text)).toBe(want);
  });

  test("refuses an invalid pattern, naming it", () => {
    expect(() => compileSearch("a(b")).toThrow(/^Cannot compile regex "a\(b": /);
  });
});

describe("checkRcode()", () => {
  test.each([
    [0, ["NOERROR"], null],
    [3, ["NOERROR"], "rcode NXDOMAIN is not one of the valid rcodes (NOERROR)"],
    [3, ["NOERROR", "NXDOMAIN"], null],
    [4, ["NOTIMPL"], null],
    [0, [], "rcode NOERROR is not one of the valid rcodes (none)"],
  ])("rcode %p with valid_rcodes %p gives %p", (rcode, valid, want) => {
    expect(checkRcode(rcode, valid)).toBe(want);
  });
});

describe("checkRecords()", () => {
  test.each([
    ["no checks pass anything", {}, [A], null],
    ["no checks pass an empty section", {}, [], null],
    [
      "fail_if_matches_regexp fails on a match",
      { fail_if_matches_regexp: ["192\\.0"] },
      [AAAA, A],
      'answer record "www.example.test.\t600\tIN\tA\t192.0.2.10" matches fail_if_matches_regexp "192\\.0"',
    ],
    [
      "fail_if_matches_regexp passes without a match",
      { fail_if_matches_regexp: ["10\\.0"] },
      [A],
      null,
    ],
    [
      "fail_if_not_matches_regexp fails on a record that does not match",
      { fail_if_not_matches_regexp: ["\tA\t"] },
      [A, AAAA],
      'answer record "www.example.test.\t600\tIN\tAAAA\t2001:db8::10" does not match fail_if_not_matches_regexp "\tA\t"',
    ],
    [
      "fail_if_not_matches_regexp fails on an empty section",
      { fail_if_not_matches_regexp: ["x"] },
      [],
      "no answer records, but fail_if_not_matches_regexp is set",
    ],
    [
      "fail_if_none_matches_regexp passes when one matches",
      { fail_if_none_matches_regexp: ["AAAA"] },
      [A, AAAA],
      null,
    ],
    [
      "fail_if_none_matches_regexp fails when none matches",
      { fail_if_none_matches_regexp: ["MX"] },
      [A, AAAA],
      "no answer record matches fail_if_none_matches_regexp",
    ],
    [
      "fail_if_none_matches_regexp fails on an empty section",
      { fail_if_none_matches_regexp: ["MX"] },
      [],
      "no answer records, but fail_if_none_matches_regexp is set",
    ],
    // blackbox_exporter 0.23 fails when NOT all records match, despite the option's name.
    [
      "fail_if_all_match_regexp passes when all match",
      { fail_if_all_match_regexp: ["example"] },
      [A, AAAA],
      null,
    ],
    [
      "fail_if_all_match_regexp fails when one does not match",
      { fail_if_all_match_regexp: ["AAAA"] },
      [A, AAAA],
      "not all answer records match fail_if_all_match_regexp",
    ],
    [
      "fail_if_all_match_regexp passes an empty section",
      { fail_if_all_match_regexp: ["x"] },
      [],
      null,
    ],
  ])("%s", (_, v, records, want) => {
    expect(checkRecords("answer", records, validator(v))).toBe(want);
  });
});
