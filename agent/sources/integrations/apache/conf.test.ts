import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apacheLogs, apachePaths } from "./conf.ts";

/** A Debian-like /etc/apache2: envvars, apache2.conf with includes, a site, other_vhosts. */
const root = mkdtempSync(join(tmpdir(), "outpost-apache-conf-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "sites-enabled"));
mkdirSync(join(root, "conf-enabled"));
writeFileSync(
  join(root, "envvars"),
  "export APACHE_RUN_USER=www-data\nexport APACHE_LOG_DIR=/srv/log/apache2$SUFFIX\n",
);
writeFileSync(
  join(root, "apache2.conf"),
  `# Debian's layout
ErrorLog \${APACHE_LOG_DIR}/error.log
LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" vhost_combined
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" timed
IncludeOptional conf-enabled/*.conf
IncludeOptional sites-enabled/*.conf
<IfModule mod_status.c>
  <Location "/status-for-ops">
    SetHandler server-status
    Require local
  </Location>
  <Location /other>
    Require all granted
  </Location>
</IfModule>
`,
);
writeFileSync(
  join(root, "conf-enabled", "other-vhosts-access-log.conf"),
  `CustomLog \${APACHE_LOG_DIR}/other_vhosts_access.log vhost_combined\n`,
);
writeFileSync(
  join(root, "sites-enabled", "000-default.conf"),
  `<VirtualHost *:80>
  CustomLog \${APACHE_LOG_DIR}/access.log timed
  CustomLog "|/usr/bin/rotatelogs /x 86400" common
  CustomLog \${UNKNOWN_DIR}/x.log combined
</VirtualHost>
`,
);

test("apacheLogs() follows includes, resolves envvars, and pairs each access log with its format", async () => {
  expect(await apacheLogs(join(root, "apache2.conf"), root)).toEqual({
    access: [
      {
        path: "/srv/log/apache2/other_vhosts_access.log",
        format: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
      },
      {
        path: "/srv/log/apache2/access.log",
        format: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %D',
      },
    ],
    error: ["/srv/log/apache2/error.log"],
    statusPaths: ["/status-for-ops"],
  });
});

test.each([
  ["/usr/sbin/apache2 -k start", "/etc/apache2", "/etc/apache2/apache2.conf"],
  [
    "/usr/sbin/apache2 -d /srv/a -f conf/httpd.conf -DFOREGROUND",
    "/srv/a",
    "/srv/a/conf/httpd.conf",
  ],
])("apachePaths(%p) is ServerRoot %p and config %p", (cmdline, r, conf) => {
  expect(apachePaths(cmdline)).toEqual({ root: r, conf });
});
