import { describe, expect, test } from "bun:test";
import { parseGoUrl } from "./go_url.ts";
import { checkUrl } from "./url.ts";

// Each refusal and its words as amtool 0.25 printed them for the same text.
const refused: [string, string][] = [
  ["http://x/%zz", 'parse "http://x/%zz": invalid URL escape "%zz"'],
  ["http://x/%2", 'parse "http://x/%2": invalid URL escape "%2"'],
  ["http://a b/", 'parse "http://a b/": invalid character " " in host name'],
  ["http://a:b/", 'parse "http://a:b/": invalid port ":b" after host'],
  ["http://[::1/", `parse "http://[::1/": missing ']' in host`],
  [":foo", 'parse ":foo": missing protocol scheme'],
  ["1a:b", 'parse "1a:b": first path segment in URL cannot contain colon'],
  ["http://x/#%zz", 'parse "http://x/#%zz": invalid URL escape "%zz"'],
  ["http://u^p@x/", 'parse "http://u^p@x/": net/url: invalid userinfo'],
  ["http://x/\u0001", 'parse "http://x/\\u0001": net/url: invalid control character in URL'],
];

describe("parseGoUrl()", () => {
  test.each(refused)("refuses %p as Go does", (text, message) => {
    expect(() => parseGoUrl(text)).toThrow(message);
  });

  test.each([
    ["HTTP://Example.org:80/a%20b?q=%zz", "http", "Example.org:80"],
    ["socks5://proxy:1080", "socks5", "proxy:1080"],
    ["p:3128", "p", ""],
    ["", "", ""],
    ["//host/x", "", "host"],
    ["http://[::1]:9093/", "http", "[::1]:9093"],
    ["http://user:pa%20ss@h/", "http", "h"],
  ])("reads %p as scheme %p and host %p", (text, scheme, host) => {
    expect(parseGoUrl(text)).toEqual({ scheme, host });
  });
});

describe("checkUrl()", () => {
  test.each([
    ["ftp://x/", 'unsupported scheme "ftp" for URL'],
    ["", 'unsupported scheme "" for URL'],
    ["http://", "missing host for URL"],
    ["http:///x", "missing host for URL"],
    ["http:x", "missing host for URL"],
  ])("refuses %p with Alertmanager's words", (text, message) => {
    expect(() => checkUrl(text)).toThrow(message);
  });

  test("takes an upper-case scheme and a port alone as Go does", () => {
    expect(() => checkUrl("HTTPS://x/")).not.toThrow();
    expect(() => checkUrl("http://:80/")).not.toThrow();
  });
});
