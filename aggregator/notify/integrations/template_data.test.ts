import { describe, expect, test } from "bun:test";
import type { NotificationData } from "../receivers/data.ts";
import { goTime } from "./template_data.ts";
import { Renderer, templateSet } from "./templates.ts";

const alert = (status: "firing" | "resolved", instance: string) => ({
  status,
  labels: { alertname: "Disk", instance, job: "node" },
  annotations: { summary: `disk ${instance}` },
  startsAt: "2024-05-01T10:00:00.5Z",
  endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2024-05-01T11:00:00Z",
  generatorURL: `http://prom/${instance}`,
  fingerprint: `f${instance}`,
});

const data: NotificationData = {
  receiver: "team\\.ops",
  status: "firing",
  alerts: [alert("firing", "a"), alert("resolved", "b")],
  groupLabels: { alertname: "Disk" },
  commonLabels: { alertname: "Disk", job: "node" },
  commonAnnotations: {},
  externalURL: "http://am:9093",
};

const render = (text: string, d = data) => new Renderer(templateSet(), d).text(text);

describe("templates see Alertmanager's template.Data", () => {
  test.each([
    ["{{ .Receiver }} {{ .Status }} {{ .ExternalURL }}", "team\\.ops firing http://am:9093"],
    ["{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}", "2 1 1"],
    ["{{ range .Alerts.Resolved }}{{ .Labels.instance }}{{ end }}", "b"],
    ["{{ .CommonLabels.Names }} {{ .CommonLabels.Values }}", "[alertname job] [Disk node]"],
    [
      "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }}",
      "alertname=Disk,job=node,",
    ],
    ["{{ .CommonLabels.SortedPairs.Names }}", "[alertname job]"],
    ["{{ (.CommonLabels.Remove .GroupLabels.Names).Values }}", "[node]"],
    ["{{ .CommonLabels.nope }}|{{ .CommonAnnotations.summary }}|", "||"],
    ['{{ index .CommonLabels "job" }}', "node"],
    ["{{ .CommonLabels }}", "map[alertname:Disk job:node]"],
    ["{{ (index .Alerts 0).StartsAt }}", "2024-05-01 10:00:00.5 +0000 UTC"],
    [
      "{{ (index .Alerts 1).EndsAt.Unix }} {{ (index .Alerts 0).EndsAt.IsZero }}",
      "1714561200 true",
    ],
    [
      "{{ range .Alerts }}{{ .Fingerprint }}{{ .Status }}{{ .GeneratorURL }} {{ end }}",
      "fafiringhttp://prom/a fbresolvedhttp://prom/b ",
    ],
    ['{{ join "," (stringSlice "a" "b") }}', "a,b"],
  ])("%s renders %j", async (text, out) => {
    expect(await render(text)).toBe(out);
  });
});

describe("the default templates", () => {
  const resolved: NotificationData = {
    ...data,
    status: "resolved",
    alerts: [alert("resolved", "b")],
  };
  test.each([
    ['{{ template "__subject" . }}', data, "[FIRING:1] Disk (node)"],
    ['{{ template "__subject" . }}', resolved, "[RESOLVED] Disk (node)"],
    [
      '{{ template "__subject" . }}',
      { ...data, commonLabels: { alertname: "Disk" } },
      "[FIRING:1] Disk ",
    ],
    ['{{ template "__subject" . }}', { ...data, groupLabels: {} }, "[FIRING:1]  (Disk node)"],
    ['{{ template "__alertmanagerURL" . }}', data, "http://am:9093/#/alerts?receiver=team%5C.ops"],
    [
      '{{ template "slack.default.fallback" . }}',
      data,
      "[FIRING:1] Disk (node) | http://am:9093/#/alerts?receiver=team%5C.ops",
    ],
    [
      '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
      data,
      "Labels:\n - alertname = Disk\n - instance = a\n - job = node\nAnnotations:\n - summary = disk a\nSource: http://prom/a\n",
    ],
  ])("%s on %o renders %j", async (text, d, out) => {
    expect(await render(text, d as NotificationData)).toBe(out);
  });

  test("a user's template file can redefine a default", async () => {
    const set = templateSet([
      ["mine.tmpl", '{{ define "__subject" }}mine: {{ .Status }}{{ end }}'],
    ]);
    expect(await new Renderer(set, data).text('{{ template "slack.default.title" . }}')).toBe(
      "mine: firing",
    );
  });
});

test("goTime() reads Go's JSON times, offsets and the zero time", () => {
  expect(goTime("2024-05-01T10:00:00.123456789Z").nanos).toBe(1714557600123456789n);
  expect(goTime("2024-05-01T12:00:00+02:00").nanos).toBe(1714557600000000000n);
  expect(goTime("0001-01-01T00:00:00Z").nanos).toBe(-62135596800000000000n);
  expect(() => goTime("yesterday")).toThrow('Cannot read time "yesterday"');
});
