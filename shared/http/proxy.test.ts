import { describe, expect, test } from "bun:test";
import { NoProxy, proxyFor } from "./proxy.ts";

describe("NoProxy", () => {
  const list = new NoProxy(
    " example.com, .internal ,*.corp.net:8443, 10.0.0.0/8, 192.168.1.7, [fd00::5]:9100, fd12::/16 ",
  );

  test.each([
    ["http://example.com/", true],
    ["http://a.example.com:9100/", true],
    ["http://notexample.com/", false],
    ["http://internal/", false],
    ["http://db.internal/", true],
    ["http://x.corp.net:8443/", true],
    ["http://x.corp.net:9100/", false],
    ["http://10.1.2.3:9100/", true],
    ["http://11.1.2.3/", false],
    ["http://192.168.1.7:9100/", true],
    ["http://[fd00::5]:9100/", true],
    ["http://[fd00::5]:9101/", false],
    ["http://[fd12::1]/", true],
    // Go sends localhost and loopback addresses directly whatever the list says.
    ["http://localhost:9090/", true],
    ["http://127.0.0.5:9090/", true],
    ["http://[::1]:9090/", true],
    ["http://EXAMPLE.COM/", true],
  ])("%s bypasses the proxy: %p", (url, bypass) => {
    expect(list.bypasses(new URL(url))).toBe(bypass);
  });

  test("a domain entry never matches an address, and * matches everything", () => {
    expect(new NoProxy("1.2.3.4.example").bypasses(new URL("http://1.2.3.4/"))).toBe(false);
    expect(new NoProxy("*").bypasses(new URL("https://anything.example:1/"))).toBe(true);
    expect(new NoProxy("").bypasses(new URL("http://anything.example/"))).toBe(false);
  });

  test("the default port of the scheme counts for an entry with a port", () => {
    const list = new NoProxy("example.com:443");
    expect(list.bypasses(new URL("https://example.com/"))).toBe(true);
    expect(list.bypasses(new URL("http://example.com/"))).toBe(false);
  });
});

describe("proxyFor()", () => {
  const target = new URL("http://app.example:9100/metrics");
  const env = { HTTP_PROXY: "http://env-proxy:3128", https_proxy: "secure:3129", NO_PROXY: "" };

  test("no proxy settings: directly, even with HTTP_PROXY in the environment", () => {
    expect(proxyFor(target, {}, env)).toBeNull();
  });

  test("proxy_url without no_proxy takes every request, loopback ones too", () => {
    const settings = { proxy_url: "http://p:1" };
    expect(proxyFor(target, settings, env)).toBe("http://p:1");
    expect(proxyFor(new URL("http://127.0.0.1:9100/"), settings, env)).toBe("http://p:1");
  });

  test("proxy_url with no_proxy lets the listed hosts and loopback go directly", () => {
    const settings = { proxy_url: "http://p:1", no_proxy: "example" };
    expect(proxyFor(target, settings, env)).toBeNull();
    expect(proxyFor(new URL("http://other.test/"), settings, env)).toBe("http://p:1");
    expect(proxyFor(new URL("http://127.0.0.1:9100/"), settings, env)).toBeNull();
  });

  test("proxy_from_environment reads the variable of the target's scheme and NO_PROXY", () => {
    const settings = { proxy_from_environment: true };
    expect(proxyFor(target, settings, env)).toBe("http://env-proxy:3128");
    expect(proxyFor(new URL("https://app.example/"), settings, env)).toBe("http://secure:3129");
    // An empty upper-case variable gives way to the lower-case one, as in Go.
    expect(proxyFor(target, settings, { ...env, no_proxy: "app.example" })).toBeNull();
    expect(proxyFor(target, settings, { ...env, NO_PROXY: "other", no_proxy: "app.example" })).toBe(
      "http://env-proxy:3128",
    );
    expect(proxyFor(new URL("https://app.example/"), settings, { HTTP_PROXY: "x:1" })).toBeNull();
  });
});
