import type { Socket } from "node:net";
import { deflateRawSync, gzipSync } from "node:zlib";
import type { Collected } from "./collect.ts";
import { type RawRequest, respond } from "./server.ts";

/**
 * Scripted responses for the prober's tests, and the values blackbox_exporter 0.23.0
 * reported when it probed the same responses.
 */

/** The body of /gzip. */
export const GZIPPED = gzipSync("hello gzip world");
const DEFLATED = deflateRawSync("hello deflate");
const LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

/** Responses by path; `r/<n>` redirects n+1 times (relative Locations) before /ok. */
export function route(req: RawRequest, s: Socket): void {
  const path = req.path;
  if (path === "/ok") {
    s.end(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" +
        `Last-Modified: ${LAST_MODIFIED}\r\nX-Multi: a\r\nX-Multi: b, c\r\n\r\nhello`,
    );
  } else if (path === "/close") s.end("HTTP/1.0 200 OK\r\n\r\nhello world");
  else if (path === "/chunked") {
    s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    setTimeout(() => s.end("6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"), 5);
  } else if (path === "/204") s.end("HTTP/1.1 204 No Content\r\n\r\n");
  else if (path === "/404") s.end(respond("404 Not Found", {}, "nop"));
  else if (path.startsWith("/r/")) {
    const n = Number(path.slice(3));
    s.end(respond("302 Found", { Location: n > 0 ? `/r/${n - 1}` : "/ok" }, "move"));
  } else if (path === "/gzip") {
    s.write(
      `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${GZIPPED.length}\r\n\r\n`,
    );
    s.end(GZIPPED);
  } else if (path === "/deflate") {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${DEFLATED.length}\r\n\r\n`);
    s.end(DEFLATED);
  } else if (path === "/big") s.end(respond("200 OK", {}, "x".repeat(3000)));
  else if (path === "/reset") s.resetAndDestroy();
  else if (path === "/resetbody") {
    s.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
    setTimeout(() => s.resetAndDestroy(), 20);
  } else if (path === "/badlength") s.end("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
  else s.end(respond("500 Internal Server Error", {}));
}

/** The probe_http_* values a case checks, in one object for readable failures. */
export function summary(m: Collected) {
  return {
    status: m.get("probe_http_status_code"),
    contentLength: m.get("probe_http_content_length"),
    bodyLength: m.get("probe_http_uncompressed_body_length"),
    redirects: m.get("probe_http_redirects"),
    ssl: m.get("probe_http_ssl"),
    version: m.get("probe_http_version"),
    regex: m.get("probe_failed_due_to_regex"),
    lastModified: m.get("probe_http_last_modified_timestamp_seconds"),
  };
}

/** What blackbox_exporter reports for /ok. */
export const OK = {
  status: 200,
  contentLength: 5,
  bodyLength: 5,
  redirects: 0,
  ssl: 0,
  version: 1.1,
  regex: 0,
  lastModified: 1445412480,
};
/** What it reports when no response came. */
export const NOTHING = {
  ...OK,
  status: 0,
  contentLength: 0,
  bodyLength: 0,
  version: 0,
  lastModified: undefined,
};
