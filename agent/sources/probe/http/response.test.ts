import { describe, expect, test } from "bun:test";
import { contentLength, type Framing, framingOf, parseHead } from "./response.ts";

describe("parseHead()", () => {
  test("keeps repeated headers apart and joins continuation lines", () => {
    const head = parseHead(
      "HTTP/1.1 200 OK\r\nX-Multi: a\r\nx-multi:  b, c \r\nX-Long: one\r\n  two",
    );
    expect(head.proto).toBe("HTTP/1.1");
    expect(head.status).toBe(200);
    expect(head.headers.get("x-multi")).toEqual(["a", "b, c"]);
    expect(head.headers.get("x-long")).toEqual(["one two"]);
  });

  test("accepts a status line without a reason phrase", () => {
    expect(parseHead("HTTP/1.0 404").status).toBe(404);
  });

  test.each([
    ["HTTP/1.1 20 OK", "malformed HTTP status line"],
    ["ICY 200 OK", "malformed HTTP status line"],
    ["HTTP/1.1 200 OK\r\nno colon here", "malformed MIME header line"],
  ])("refuses %p", (text, message) => {
    expect(() => parseHead(text)).toThrow(message);
  });
});

describe("contentLength() and framingOf()", () => {
  test.each<[string, string, Framing["kind"], number]>([
    ["HTTP/1.1 200 OK\r\nContent-Length: 5", "GET", "length", 5],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5", "GET", "chunked", -1],
    ["HTTP/1.1 200 OK", "GET", "close", -1],
    ["HTTP/1.1 204 No Content", "GET", "none", 0],
    ["HTTP/1.1 304 Not Modified\r\nContent-Length: 9", "GET", "none", 0],
    ["HTTP/1.1 200 OK\r\nContent-Length: 7", "HEAD", "none", 7],
    ["HTTP/1.1 200 OK", "HEAD", "none", -1],
  ])("%p to %s is framed %p with ContentLength %p", (text, method, kind, length) => {
    const head = parseHead(text);
    expect(framingOf(head, method).kind).toBe(kind);
    expect(contentLength(head, method)).toBe(length);
  });

  test("a Content-Length that is not a number is an error", () => {
    expect(() => framingOf(parseHead("HTTP/1.1 200 OK\r\nContent-Length: -1"), "GET")).toThrow(
      'bad Content-Length "-1"',
    );
  });
});
