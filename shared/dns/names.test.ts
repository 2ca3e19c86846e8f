import { describe, expect, test } from "bun:test";
import { encodeName, readName } from "./names.ts";
import { ipv6Text } from "./rdata.ts";
import { canonicalName } from "./wire.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("encodeName()", () => {
  test.each([
    ["www.example.com", "03777777076578616d706c6503636f6d00"],
    ["www.example.com.", "03777777076578616d706c6503636f6d00"],
    [".", "00"],
    ["", "00"],
    ["a\\.b.c", "03612e620163" + "00"],
    ["\\065\\032x.", "03412078" + "00"],
    ["\\\\.", "015c" + "00"],
    ["é", "02c3a9" + "00"],
  ])("encodes %p", (name, want) => {
    expect(hex(encodeName(name))).toBe(want);
  });

  test.each([
    ["a..b", "it has an empty label"],
    [".a", "it has an empty label"],
    ["a\\", "it ends with a backslash"],
    [`${"x".repeat(64)}.test`, "a label is longer than 63 octets"],
    [Array(5).fill("y".repeat(63)).join("."), "longer than 255 octets"],
  ])("refuses %p: %s", (name, reason) => {
    expect(() => encodeName(name)).toThrow(`Cannot encode DNS name "${name}": ${reason}`);
  });
});

describe("readName()", () => {
  test("follows compression pointers and returns the offset after the first one", () => {
    // "test." at 0, then "www" + pointer to 0 at 6.
    const msg = Uint8Array.of(4, 0x74, 0x65, 0x73, 0x74, 0, 3, 0x77, 0x77, 0x77, 0xc0, 0);
    expect(readName(msg, 6)).toEqual({ name: "www.test.", next: 12 });
    expect(readName(msg, 0)).toEqual({ name: "test.", next: 6 });
  });

  test("escapes special and unprintable bytes as miekg/dns does", () => {
    const msg = Uint8Array.of(6, 0x2e, 0x20, 0x40, 0x09, 0xff, 0x2d, 0);
    expect(readName(msg, 0).name).toBe("\\.\\ \\@\\009\\255-.");
  });
});

test.each([
  ["WWW.Example.COM", "WWW.Example.COM."],
  ["\\097bc.", "abc."],
  ["a\\.b", "a\\.b."],
  [".", "."],
])("canonicalName(%p) is %p", (name, want) => {
  expect(canonicalName(name)).toBe(want);
});

test.each([
  ["00000000000000000000000000000000", "::"],
  ["00000000000000000000000000000001", "::1"],
  ["20010db8000000000000000000000001", "2001:db8::1"],
  ["00010000000100000001000000010000", "1:0:1:0:1:0:1:0"],
  ["00010000000000020000000000030004", "1::2:0:0:3:4"],
  ["00000000000000000000ffff01020304", "1.2.3.4"],
  ["00000000000000000000000001020304", "::102:304"],
])("ipv6Text(%s) prints %p as Go does", (h, want) => {
  expect(ipv6Text(new Uint8Array(Buffer.from(h, "hex")))).toBe(want);
});
