import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { typeName } from "./codes.ts";
import { WireError } from "./names.ts";
import {
  canonicalName,
  decodeMessage,
  encodeMessage,
  encodeQuery,
  Flags,
  type Message,
  type RecordInit,
  sameQuestion,
} from "./wire.ts";

const TESTDATA = join(import.meta.dir, "testdata");
const captured = readdirSync(TESTDATA)
  .filter((f) => f.endsWith(".hex"))
  .map((f) => f.slice(0, -4));

function load(name: string): Message {
  const hex = readFileSync(join(TESTDATA, `${name}.hex`), "utf8").trim();
  return decodeMessage(new Uint8Array(Buffer.from(hex, "hex")));
}

function texts(m: Message): string[] {
  return [...m.answer, ...m.authority, ...m.additional].map((r) => r.text);
}

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replaceAll(" ", ""), "hex"));

describe("decodeMessage()", () => {
  test.each(captured)("renders every record of %s as blackbox_exporter logged it", (name) => {
    const want = readFileSync(join(TESTDATA, `${name}.txt`), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string);
    expect(texts(load(name))).toEqual(want);
  });

  test.each([
    ["dnsmasq_a", { id: 0x1234, rcode: 0, answer: 1, authority: 1, additional: 0 }],
    ["dnsmasq_nxdomain", { rcode: 3, answer: 0, authority: 1 }],
    ["dnsmasq_truncated", { rcode: 0, answer: 6, authority: 0 }],
    ["crafted_extended_rcode", { rcode: 17, additional: 1 }],
  ])("reads the header and section sizes of %s", (name, want) => {
    const m = load(name);
    const got = {
      id: m.id,
      rcode: m.rcode,
      answer: m.answer.length,
      authority: m.authority.length,
      additional: m.additional.length,
    };
    expect(got).toMatchObject(want);
  });

  test("reads the flags, question and SOA serial of a captured answer", () => {
    const m = load("dnsmasq_soa");
    expect(m.flags & (Flags.QR | Flags.AA | Flags.RD)).toBe(Flags.QR | Flags.AA | Flags.RD);
    expect(m.questions).toEqual([{ name: "example.test.", type: 6, cls: 1 }]);
    expect(m.answer[0].serial).toBe(2024010101);
    expect(load("dnsmasq_truncated").flags & Flags.TC).toBe(Flags.TC);
  });

  test("takes fewer records than the header counts when the message ends at a record boundary", () => {
    const whole = encodeMessage({
      id: 7,
      answer: [{ name: "a.test", type: 1, ttl: 60, data: Uint8Array.of(10, 0, 0, 1) }],
    });
    whole[7] = 3; // claims 3 answers
    whole[9] = 2; // and 2 authority records
    const m = decodeMessage(whole);
    expect(texts(m)).toEqual(["a.test.\t60\tIN\tA\t10.0.0.1"]);
  });

  const header = "0001 8180 0001 0001 0000 0000";
  const question = "01 61 00 0001 0001";
  test.each([
    ["a message shorter than its header", "0001 8180 0001"],
    ["a name pointing at itself", `${header} c00c 0001 0001`],
    ["a label running past the end", `${header} 05 61 62`],
    ["a reserved label type", `${header} 41 61 00 0001 0001`],
    ["a record header cut short", `${header} ${question} c00c 0001 0001 0000`],
    ["an rdlength past the end", `${header} ${question} c00c 0001 0001 0000003c 0008 0a000001`],
    ["A data longer than 4 bytes", `${header} ${question} c00c 0001 0001 0000003c 0005 0a00000102`],
    [
      "a TXT string longer than its data",
      `${header} ${question} c00c 0010 0001 0000003c 0002 0561`,
    ],
    [
      "an SOA missing its counters",
      `${header} ${question} c00c 0006 0001 0000003c 0004 00 00 0000`,
    ],
  ])("rejects %s", (_, hex) => {
    expect(() => decodeMessage(bytes(hex))).toThrow(WireError);
  });

  test("rejects a name longer than 255 octets", () => {
    const label = `3f${"61".repeat(63)}`;
    const hex = `0001 8180 0001 0000 0000 0000 ${label} ${label} ${label} ${label} 00 0001 0001`;
    expect(() => decodeMessage(bytes(hex))).toThrow("longer than 255 octets");
  });
});

describe("encodeQuery()", () => {
  test("writes the query miekg/dns sends: id, RD, one question, no EDNS", () => {
    const query = encodeQuery(0x1234, { name: "www.example.test", type: 1, cls: 1 }, true);
    const want = "1234 0100 0001 0000 0000 0000 03777777 076578616d706c65 0474657374 00 0001 0001";
    expect(Buffer.from(query).toString("hex")).toBe(want.replaceAll(" ", ""));
  });

  test("leaves RD clear when recursion is not desired", () => {
    const query = encodeQuery(1, { name: ".", type: 2, cls: 1 }, false);
    expect(Buffer.from(query).toString("hex")).toBe("000100000001000000000000" + "00" + "00020001");
  });
});

describe("encodeMessage() and decodeMessage()", () => {
  const records: [RecordInit, string][] = [
    [
      { name: "a.test", type: 1, ttl: 1, data: Uint8Array.of(192, 0, 2, 1) },
      "a.test.\t1\tIN\tA\t192.0.2.1",
    ],
    [
      { name: "a.test.", type: 28, ttl: 2, data: bytes("20010db8000000000000000000000001") },
      "a.test.\t2\tIN\tAAAA\t2001:db8::1",
    ],
    [
      { name: "A.Test", type: 15, ttl: 3, data: bytes("000a 026d78 0474657374 00") },
      "A.Test.\t3\tIN\tMX\t10 mx.test.",
    ],
    [
      { name: "t.test", type: 16, ttl: 4, data: bytes("0568656c6c6f 00 03 223b5c") },
      't.test.\t4\tIN\tTXT\t"hello" "" "\\";\\\\"',
    ],
    [
      { name: "_s._tcp.test", type: 33, ttl: 5, data: bytes("0001 0002 0035 0474657374 00") },
      "_s._tcp.test.\t5\tIN\tSRV\t1 2 53 test.",
    ],
    [
      { name: "x\\.y.test", type: 12, cls: 255, ttl: 6, data: bytes("0474657374 00") },
      "x\\.y.test.\t6\tANY\tPTR\ttest.",
    ],
  ];

  const cases = records.map(([record, text]) => [typeName(record.type), record, text] as const);
  test.each(cases)("round-trips %s records", (_, record, text) => {
    const question = { name: "q.test.", type: 255, cls: 1 };
    const wire = encodeMessage({
      id: 99,
      flags: Flags.QR | Flags.RA,
      rcode: 2,
      questions: [question],
      answer: [record],
    });
    const m = decodeMessage(wire);
    expect(m).toMatchObject({
      id: 99,
      flags: Flags.QR | Flags.RA | 2,
      rcode: 2,
      questions: [question],
    });
    expect(texts(m)).toEqual([text]);
  });
});

describe("sameQuestion()", () => {
  const asked = { name: canonicalName("WWW.example.test"), type: 1, cls: 1 };
  const answer = (questions: Message["questions"]) => ({ ...load("dnsmasq_a"), questions });

  test.each([
    [true, "the same question in another case", [{ name: "www.EXAMPLE.test.", type: 1, cls: 1 }]],
    [true, "no question at all", []],
    [false, "another name", [{ name: "ww.example.test.", type: 1, cls: 1 }]],
    [false, "another type", [{ name: "www.example.test.", type: 28, cls: 1 }]],
    [false, "another class", [{ name: "www.example.test.", type: 1, cls: 3 }]],
  ])("is %p for an answer with %s", (want, _, questions) => {
    expect(sameQuestion(asked, answer(questions))).toBe(want);
  });
});
