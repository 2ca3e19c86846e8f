import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseTcpListeners, parseUnixListeners } from "./proc_net.ts";

/** Socket tables copied from a Debian 12 host running PostgreSQL 15 and Redis 7. */
const fixture = (name: string) => Bun.file(join(import.meta.dir, "testdata", name)).text();

describe("parseTcpListeners()", () => {
  test("keeps only LISTEN rows, with the address, port and inode", async () => {
    const listeners = parseTcpListeners(await fixture("tcp"));
    expect(listeners).toHaveLength(13);
    expect(listeners).toContainEqual({ address: "127.0.0.1", port: 5432, inode: 4776 });
    expect(listeners).toContainEqual({ address: "0.0.0.0", port: 26379, inode: 23565 });
  });

  test("decodes IPv6 addresses in RFC 5952 form", async () => {
    const listeners = parseTcpListeners(await fixture("tcp6"));
    expect(listeners).toEqual([
      { address: "::", port: 26379, inode: 23566 },
      { address: "::1", port: 6379, inode: 4826 },
      { address: "::1", port: 4369, inode: 5858 },
    ]);
  });

  test.each([
    ["0000000000000000FFFF00000100007F:1F90", "127.0.0.1", 8080],
    ["B80D0120000000000000000001000000:0050", "2001:db8::1", 80],
    ["000080FE00000000FF0000020300FEFF:0016", "fe80::200:ff:fffe:3", 22],
  ] as const)("decodes %s", (local, address, port) => {
    const row = `   0: ${local} 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1 0 100 0 0 10 0`;
    expect(parseTcpListeners(`header\n${row}\n`)).toEqual([{ address, port, inode: 7 }]);
  });

  test("skips short and malformed rows", () => {
    expect(parseTcpListeners("header\n   0: 0100007F:ZZ\n\n")).toEqual([]);
  });
});

describe("parseUnixListeners()", () => {
  test("keeps listening stream sockets with their paths", async () => {
    const listeners = parseUnixListeners(await fixture("unix"));
    expect(listeners).toContainEqual({ path: "/var/run/postgresql/.s.PGSQL.5432", inode: 4777 });
    expect(listeners.every((l) => l.path !== "")).toBe(true);
  });

  test("skips connected and datagram sockets", () => {
    const text = [
      "Num       RefCount Protocol Flags    Type St Inode Path",
      "0000000000000000: 00000003 00000000 00000000 0001 03  6663 /run/a.sock",
      "0000000000000000: 00000002 00000000 00010000 0002 01  6664 /run/b.sock",
      "0000000000000000: 00000002 00000000 00010000 0001 01  6665 /run/with space.sock",
    ].join("\n");
    expect(parseUnixListeners(text)).toEqual([{ path: "/run/with space.sock", inode: 6665 }]);
  });
});
