import { describe, expect, test } from "bun:test";
import { parseReply, RedisReplyError, socketTarget } from "./resp.ts";

const parse = (text: string) => parseReply(Buffer.from(text), 0);

describe("parseReply()", () => {
  test.each([
    ["+OK\r\n", "OK"],
    [":42\r\n", 42],
    ["$5\r\nhello\r\n", "hello"],
    ["$-1\r\n", null],
    ["*2\r\n$1\r\na\r\n*1\r\n:7\r\n", ["a", [7]]],
    ["$2\r\né\r\n", "é"],
  ])("parses %j", (text, value) => {
    expect(parse(text)).toEqual({ value, end: Buffer.byteLength(text) });
  });

  test("turns an error reply into a RedisReplyError with the server's words", () => {
    const r = parse("-NOAUTH Authentication required.\r\n");
    expect(r?.value).toBeInstanceOf(RedisReplyError);
    expect(String(r?.value)).toBe("RedisReplyError: NOAUTH Authentication required.");
  });

  test.each(["$5\r\nhel", "*2\r\n:1\r\n", "+OK"])("waits for the rest of %j", (text) => {
    expect(parse(text)).toBeNull();
  });

  test("rejects a byte that starts no reply", () => {
    expect(() => parse("?x\r\n")).toThrow("unexpected type byte");
  });
});

test.each([
  ["127.0.0.1:6379", { hostname: "127.0.0.1", port: 6379 }],
  ["[::1]:6380", { hostname: "::1", port: 6380 }],
  ["/run/redis/redis.sock", { unix: "/run/redis/redis.sock" }],
])("socketTarget(%p)", (address, target) => {
  expect(socketTarget(address)).toEqual(target);
});
