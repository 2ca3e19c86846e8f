import { expect, test } from "bun:test";
import { namesToTry, parseResolvConf } from "./resolv_conf.ts";

test("resolv.conf: nameservers in order, the last of domain/search wins, ndots capped at 15", () => {
  const text = [
    "# written by the DHCP client",
    "; old style comment",
    "nameserver 10.0.0.53",
    "nameserver   fd00::53  ",
    "domain corp.example",
    "search a.example b.example",
    "options rotate ndots:3 timeout:1",
    "nameserver",
    "sortlist 130.155.160.0/255.255.240.0",
  ].join("\n");
  expect(parseResolvConf(text)).toEqual({
    servers: [
      { address: "10.0.0.53", port: 53 },
      { address: "fd00::53", port: 53 },
    ],
    search: ["a.example", "b.example"],
    ndots: 3,
  });
  expect(parseResolvConf("domain x.example\noptions ndots:40").ndots).toBe(15);
  expect(parseResolvConf("search a.example\ndomain x.example").search).toEqual(["x.example"]);
  expect(parseResolvConf("")).toEqual({ servers: [], search: [], ndots: 1 });
});

test("names to try: a rooted name alone; more labels than ndots first as written, fewer last", () => {
  const config = { servers: [], search: ["a.example", "b.example."], ndots: 1 };
  expect(namesToTry("svc.example.", config)).toEqual(["svc.example."]);
  expect(namesToTry("svc.consul", config)).toEqual([
    "svc.consul.",
    "svc.consul.a.example.",
    "svc.consul.b.example.",
  ]);
  expect(namesToTry("node", config)).toEqual(["node.a.example.", "node.b.example.", "node."]);
  expect(namesToTry("svc.consul", { ...config, ndots: 2 })).toEqual([
    "svc.consul.a.example.",
    "svc.consul.b.example.",
    "svc.consul.",
  ]);
});

test("a bare domain or search line clears the search domains", () => {
  expect(parseResolvConf("search a.example\ndomain").search).toEqual([]);
  expect(parseResolvConf("domain a.example\nsearch").search).toEqual([]);
});
