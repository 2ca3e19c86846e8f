import { describe, expect, test } from "bun:test";
import { Registry } from "../../../../shared/metrics/registry.ts";
import { compileStages } from "../../file/stages/stages.ts";
import { RecordingWriter, record } from "../../file/stages/testing.ts";
import { nginxLogSources } from "./logs.ts";

const [access, errors] = nginxLogSources({
  key: "nginx:80",
  instance: "127.0.0.1:80",
  access: ["/var/log/nginx/access.log"],
  error: ["/var/log/nginx/error.log"],
});
const labels = { job: "integrations/nginx", instance: "127.0.0.1:80", filename: "f" };

function run(stages: typeof access.stages, lines: string[]) {
  const processor = compileStages(stages, { registry: new Registry(), sourceId: "t" });
  const out = processor.process(lines.map((l) => record(l, { ...labels, log: "x" })));
  const w = new RecordingWriter();
  processor.collectMetrics(w);
  const fields = out.map((r) => Object.fromEntries(pairs(r.fields)));
  return { out, fields, samples: w.samples.sort() };
}

function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

describe("nginx log sources", () => {
  test("are file sources named after the service, labelled job, instance and log", () => {
    expect(access).toMatchObject({
      name: "integrations-nginx_80-access",
      include: ["/var/log/nginx/access.log"],
      labels: { job: "integrations/nginx", instance: "127.0.0.1:80", log: "access" },
      start_at: "end",
    });
    expect(errors.name).toBe("integrations-nginx_80-error");
  });

  test("a combined line becomes fields, its time, and a count by status", () => {
    const { out, fields, samples } = run(access.stages, [
      '10.0.0.1 - bob [02/Jan/2026:15:04:05 +0100] "GET /a?b=1 HTTP/1.1" 200 512 "https://r/" "curl/8.0"',
      '10.0.0.2 - - [02/Jan/2026:15:04:06 +0100] "POST /api HTTP/2.0" 502 0 "-" "Go-http-client/2.0" 0.125',
      '10.0.0.3 - - [02/Jan/2026:15:04:07 +0100] "\\x16\\x03\\x01" 400 150 "-" "-"',
    ]);
    expect(fields[0]).toEqual({
      method: "GET",
      path: "/a?b=1",
      protocol: "HTTP/1.1",
      status: "200",
      bytes: "512",
      referer: "https://r/",
      user_agent: "curl/8.0",
      remote_addr: "10.0.0.1",
    });
    expect(fields[1]).toMatchObject({ status: "502", request_time: "0.125" });
    expect(fields[2]).toEqual({
      status: "400",
      bytes: "150",
      referer: "-",
      user_agent: "-",
      remote_addr: "10.0.0.3",
    });
    expect(out[0].timeNs).toBe(BigInt(Date.UTC(2026, 0, 2, 14, 4, 5)) * 1_000_000n);
    // The stream keeps its labels: status is a field and a metric label, never a stream label.
    expect(out[1].labels).toEqual(record("", { ...labels, log: "x" }).labels);
    const target = 'instance="127.0.0.1:80",job="integrations/nginx"';
    const latency = samples.filter((l) => l.startsWith("outpost_nginx_access_request_duration"));
    expect(latency).toContain(
      `outpost_nginx_access_request_duration_seconds_bucket{${target},status="502",le="0.1"} 0`,
    );
    expect(latency).toContain(
      `outpost_nginx_access_request_duration_seconds_bucket{${target},status="502",le="0.25"} 1`,
    );
    expect(latency).toContain(
      `outpost_nginx_access_request_duration_seconds_sum{${target},status="502"} 0.125`,
    );
    expect(latency).toContain(
      `outpost_nginx_access_request_duration_seconds_count{${target},status="502"} 1`,
    );
    expect(latency).toHaveLength(14); // 12 buckets, sum, count: only the 502 had a request_time
    expect(samples.filter((l) => !latency.includes(l))).toEqual([
      `outpost_nginx_access_requests_total{${target},status="200"} 1`,
      `outpost_nginx_access_requests_total{${target},status="400"} 1`,
      `outpost_nginx_access_requests_total{${target},status="502"} 1`,
      `outpost_nginx_access_response_bytes_total{${target},status="200"} 512`,
      `outpost_nginx_access_response_bytes_total{${target},status="400"} 150`,
      `outpost_nginx_access_response_bytes_total{${target},status="502"} 0`,
    ]);
  });

  test("an error line gets its level label and its pid and connection as fields", () => {
    const { out, fields } = run(errors.stages, [
      '2026/01/02 15:04:05 [crit] 812#812: *7 open() "/srv/x" failed (13: Permission denied), client: 10.0.0.1',
      "2026/01/02 15:04:06 [notice] 812#812: signal process started",
    ]);
    expect(out.map((r) => pairs(r.labels).find(([n]) => n === "level")?.[1])).toEqual([
      "critical",
      "info",
    ]);
    expect(fields).toEqual([{ pid: "812", connection: "7" }, { pid: "812" }]);
  });
});
