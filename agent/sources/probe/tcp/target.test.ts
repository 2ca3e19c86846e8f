import { describe, expect, test } from "bun:test";
import { splitHostPort } from "./target.ts";

describe("splitHostPort()", () => {
  test.each([
    ["127.0.0.1:25", "127.0.0.1", 25],
    ["mail.example.com:587", "mail.example.com", 587],
    ["[::1]:443", "::1", 443],
    ["[fe80::1%eth0]:22", "fe80::1%eth0", 22],
    [":80", "", 80],
  ])("splits %p", (target, host, port) => {
    expect(splitHostPort(target)).toEqual({ host, port });
  });

  test.each([
    ["127.0.0.1", "missing port in address"],
    ["::1:80", "too many colons in address"],
    ["[::1]", "missing port in address"],
    ["[::1]:80:81", "too many colons in address"],
    ["[::1", "missing ']' in address"],
    ["a[b:80", "unexpected '[' in address"],
    ["ab]:80", "unexpected ']' in address"],
    ["host:smtp", 'port "smtp" is not a number from 0 to 65535'],
    ["host:65536", 'port "65536" is not a number from 0 to 65535'],
    ["host:", 'port "" is not a number from 0 to 65535'],
  ])("refuses %p as Go does", (target, reason) => {
    expect(() => splitHostPort(target)).toThrow(`Cannot parse target "${target}": ${reason}`);
  });
});
