import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { compileStages } from "../../file/stages/stages.ts";
import { RecordingWriter, record } from "../../file/stages/testing.ts";
import { parseLines } from "../log_testing.ts";
import { apacheLogSources, durationScale } from "./logs.ts";

const target = { key: "apache:80", instance: "127.0.0.1:80" };
const TIMED = '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %D';
const [access, errors] = apacheLogSources(target, {
  access: [{ path: "/var/log/apache2/access.log", format: TIMED }],
  error: ["/var/log/apache2/error.log"],
});

describe("Apache log sources", () => {
  test("are file sources named after the service, labelled job, instance and log", () => {
    expect(access).toMatchObject({
      name: "integrations-apache_80-access",
      include: ["/var/log/apache2/access.log"],
      labels: { job: "integrations/apache", instance: "127.0.0.1:80", log: "access" },
    });
    expect(errors.name).toBe("integrations-apache_80-error");
  });

  test.each([
    [TIMED, 1e-6],
    ['%h %l %u %t "%r" %>s %b %{ms}T', 1e-3],
    ['%h %l %u %t "%r" %>s %b %T', 1],
    ['%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"', null],
  ])("a format ending %p gives durations scaled by %p", (format, scale) => {
    expect(durationScale(format)).toBe(scale);
  });

  test("combined, common and vhost_combined lines become fields; %D feeds the latency histogram", () => {
    const lines = [
      '10.0.0.1 - bob [02/Jan/2026:15:04:05 +0100] "GET /a?b=1 HTTP/1.1" 200 512 "https://r/" "curl/8.0" 1500',
      '10.0.0.2 - - [02/Jan/2026:15:04:06 +0100] "POST /api HTTP/1.1" 503 0 "-" "Go-http-client/1.1" 2500000',
      'www.example.com:443 10.0.0.3 - - [02/Jan/2026:15:04:07 +0100] "-" 408 - "-" "-"',
      '10.0.0.4 - - [02/Jan/2026:15:04:08 +0100] "GET / HTTP/1.0" 304 -',
    ];
    const got = parseLines(access, lines);
    expect(got[0].fields).toEqual({
      method: "GET",
      path: "/a?b=1",
      protocol: "HTTP/1.1",
      status: "200",
      bytes: "512",
      referer: "https://r/",
      user_agent: "curl/8.0",
      remote_addr: "10.0.0.1",
      duration: "1500",
    });
    expect(got[0].timeNs).toBe(BigInt(Date.UTC(2026, 0, 2, 14, 4, 5)) * 1_000_000n);
    expect(got[2].fields).toMatchObject({
      vhost: "www.example.com:443",
      remote_addr: "10.0.0.3",
      status: "408",
    });
    expect(got[3].fields).toEqual({
      method: "GET",
      path: "/",
      protocol: "HTTP/1.0",
      status: "304",
      remote_addr: "10.0.0.4",
    });
    const p = compileStages(access.stages, { registry: new Registry(), sourceId: "t" });
    p.process(lines.map((l) => record(l, { ...access.labels })));
    const w = new RecordingWriter();
    p.collectMetrics(w);
    const t = 'instance="127.0.0.1:80",job="integrations/apache"';
    expect(w.samples).toContain(`outpost_apache_access_requests_total{${t},status="503"} 1`);
    expect(w.samples).toContain(
      `outpost_apache_access_request_duration_seconds_sum{${t},status="503"} 2.5`,
    );
    expect(w.samples).toContain(
      `outpost_apache_access_request_duration_seconds_bucket{${t},status="200",le="0.005"} 1`,
    );
    expect(w.samples).toContain(
      `outpost_apache_access_response_bytes_total{${t},status="200"} 512`,
    );
  });

  test("an error line gets its level label, and its module, pid, client and code as fields", () => {
    const got = parseLines(errors, [
      "[Mon Nov 23 07:22:12.534647 2026] [core:error] [pid 18635:tid 18640] [client 127.0.0.1:5000] AH00128: File does not exist: /srv/x",
      "[Mon Nov 23 07:22:12.534729 2026] [mpm_event:notice] [pid 18635:tid 18635] AH00489: Apache/2.4.71 (Debian) configured",
      "[Mon Nov 23 07:22:13.000001 2026] [ssl:emerg] [pid 1] AH02572: Failed to configure at least one certificate",
    ]);
    expect(got.map((r) => r.level)).toEqual(["error", "info", "fatal"]);
    expect(got[0].fields).toEqual({
      module: "core",
      pid: "18635",
      client: "127.0.0.1:5000",
      code: "AH00128",
    });
    expect(got[1].fields).toEqual({ module: "mpm_event", pid: "18635", code: "AH00489" });
  });
});
