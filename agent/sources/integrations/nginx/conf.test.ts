import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { directives, nginxLogs, nginxPaths } from "./conf.ts";

const dir = mkdtempSync(join(tmpdir(), "outpost-nginx-conf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("nginx config", () => {
  test("directives() splits on ; and braces, keeps quoted arguments, skips comments", () => {
    const text = `http { # the web
  log_format main '$remote_addr "$request"';
  server { access_log "/var/log/a b.log" main; }
}`;
    expect(directives(text)).toEqual([
      ["log_format", "main", '$remote_addr "$request"'],
      ["access_log", "/var/log/a b.log", "main"],
    ]);
  });

  test("nginxPaths() takes -p and -c from the master's command line, else Debian's defaults", () => {
    expect(
      nginxPaths("nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"),
    ).toEqual({ prefix: "/usr/share/nginx", conf: "/etc/nginx/nginx.conf" });
    expect(nginxPaths("nginx: master process nginx -p /srv/ng/ -c conf/n.conf")).toEqual({
      prefix: "/srv/ng/",
      conf: "/srv/ng/conf/n.conf",
    });
  });

  test("nginxLogs() follows includes and leaves out what is not a file", async () => {
    mkdirSync(join(dir, "sites"));
    writeFileSync(
      join(dir, "nginx.conf"),
      `error_log logs/error.log warn;
http {
  access_log /var/log/nginx/access.log;
  include sites/*.conf;
  include missing.conf;
  include nginx.conf;
}`,
    );
    writeFileSync(
      join(dir, "sites", "a.conf"),
      "server { access_log /var/log/nginx/a.log combined; access_log syslog:server=x; }",
    );
    writeFileSync(
      join(dir, "sites", "b.conf"),
      "server { access_log off; access_log /var/log/$host.log; error_log stderr; access_log /var/log/nginx/access.log; }",
    );
    expect(await nginxLogs(join(dir, "nginx.conf"), "/srv/ng")).toEqual({
      access: ["/var/log/nginx/access.log", "/var/log/nginx/a.log"],
      error: ["/srv/ng/logs/error.log"],
    });
  });

  test("nginxLogs() falls back to nginx's default paths", async () => {
    expect(await nginxLogs(join(dir, "none.conf"), "/usr/share/nginx")).toEqual({
      access: ["/var/log/nginx/access.log"],
      error: ["/var/log/nginx/error.log"],
    });
  });
});
