/**
 * The scenarios of notify_payloads.test.ts: each is one receiver (routed by the `scenario`
 * label) with a webhook and every templated integration pointed at the sink, the alerts
 * posted to Alertmanager, and optionally alerts posted once its first notification is out.
 */

/** One scenario. */
export interface Scenario {
  name: string;
  /** Receiver name (default: the scenario's name). */
  receiver?: string;
  /** Fields merged into each integration's config. */
  slack?: Record<string, unknown>;
  discord?: Record<string, unknown>;
  pagerduty?: Record<string, unknown>;
  opsgenie?: Record<string, unknown>;
  telegram?: Record<string, unknown>;
  email?: Record<string, unknown>;
  /** The alerts (without the scenario label, which is added). */
  alerts: Alert[];
  /** Posted after the first notification; the scenario then waits for a second one. */
  later?: Alert[];
}

/** An alert as /api/v2/alerts takes it. */
export interface Alert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

const START = "2024-05-01T10:00:00.123456789Z";
const PAST = "2024-05-01T10:05:00Z";

const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  labels,
  annotations,
  startsAt: START,
  generatorURL: `http://prometheus:9090/graph?g0.expr=up%7Bjob%3D%22${labels.job ?? ""}%22%7D`,
});

const longText = `${"Ünïcödé ✓ ".repeat(300)}end`;

/** The template file the `file` scenario's fields use (written beside alertmanager.yml). */
export const TEMPLATE_FILE = `{{ define "outpost.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} on {{ join ", " .GroupLabels.Names }}{{ end }}
{{ define "outpost.list" }}{{ range $i, $a := .Alerts }}{{ if $i }}
{{ end }}#{{ $i }} {{ $a.Labels.instance }} {{ $a.Status }} since {{ $a.StartsAt.Format "2006-01-02 15:04:05" }} ({{ $a.Fingerprint }}){{ end }}{{ end }}
{{ define "outpost.kv" }}{{ range .SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}{{ end }}
`;

const custom = {
  slack: {
    channel: "#ops",
    username: "bot {{ .Status }}",
    color: '{{ if eq .Status "firing" }}#ff0000{{ else }}good{{ end }}',
    pretext: "pre {{ .CommonLabels.job }}",
    text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}{{ .CommonLabels.missing }}",
    footer: "foot",
    fallback: "fb",
    callback_id: "cb",
    icon_emoji: ":fire:",
    icon_url: "http://x/i.png",
    image_url: "http://x/img.png",
    thumb_url: "http://x/t.png",
    link_names: true,
    short_fields: true,
    mrkdwn_in: ["text"],
    fields: [
      { title: "T {{ .Status }}", value: "{{ len .Alerts }}" },
      { title: "t2", value: "v2", short: false },
    ],
    actions: [
      { type: "button", text: "Runbook {{ .Status }}", url: "http://rb", style: "primary" },
      {
        type: "button",
        text: "Ack",
        name: "ack",
        value: "{{ .CommonLabels.job }}",
        confirm: { title: "Sure?", text: "Ack {{ .Status }}", ok_text: "Yes", dismiss_text: "No" },
      },
    ],
  },
  discord: { title: "T {{ .Status }}", message: "M {{ .CommonLabels.job }} {{ .ExternalURL }}" },
  pagerduty: {
    client: "cl {{ .Status }}",
    client_url: "http://cl/{{ .Receiver }}",
    description: "D {{ .CommonAnnotations.summary }}",
    severity: "{{ .CommonLabels.severity }}",
    class: "c{{ .Status }}",
    component: "comp",
    group: "grp",
    details: { a: "{{ .Status }}", firing: "overridden" },
    images: [{ src: "http://img/{{ .Status }}", alt: "alt", href: "http://h" }],
    links: [{ href: "http://l/{{ .Status }}", text: "link" }],
  },
  opsgenie: {
    message: "m {{ .Status }}",
    description: "d",
    source: "s",
    details: { x: "{{ .CommonLabels.job }}" },
    entity: "e {{ .Status }}",
    responders: [
      { name: "team-{{ .CommonLabels.job }}", type: "team" },
      { username: "u@x", type: "user" },
      { name: "a,b", type: "teams" },
    ],
    actions: "a1, a2",
    tags: "tag1, {{ .CommonLabels.severity }} ,",
    note: "n",
    priority: 'P{{ if eq .Status "firing" }}1{{ end }}',
  },
  email: {
    headers: {
      subject: "Störung: {{ .Status }} {{ .CommonLabels.job }}",
      "X-Team": "{{ .CommonLabels.job }}",
    },
    text: "{{ range .Alerts }}{{ .Labels.instance }} {{ .StartsAt }}\n{{ end }}",
  },
  telegram: {
    message: "<b>{{ .Status }}</b> {{ .CommonLabels.job }}",
    disable_notifications: true,
    parse_mode: "MarkdownV2",
  },
};

/** Every scenario. */
export const SCENARIOS: Scenario[] = [
  {
    name: "one",
    alerts: [
      alert(
        { alertname: "Down", job: "api", severity: "critical" },
        { summary: "api is down", description: "No scrape for 5m" },
      ),
    ],
  },
  {
    name: "three",
    opsgenie: { update_alerts: true, priority: "P3" },
    alerts: ["a", "b", "c"].map((i) =>
      alert(
        { alertname: "DiskFull", job: "node", instance: i, severity: i === "c" ? "page" : "warn" },
        { summary: `disk on ${i}`, runbook: "http://rb/disk" },
      ),
    ),
  },
  {
    name: "resolved",
    alerts: [alert({ alertname: "Flap", job: "web" }, { summary: "flapping" })],
    later: [{ ...alert({ alertname: "Flap", job: "web" }, { summary: "flapping" }), endsAt: PAST }],
  },
  {
    name: "mixed",
    alerts: [
      alert({ alertname: "Mixed", job: "db", instance: "x" }, { summary: "x fires" }),
      { ...alert({ alertname: "Mixed", job: "db", instance: "y" }), endsAt: PAST },
    ],
  },
  {
    name: "unicode",
    alerts: [
      alert(
        { alertname: "Ünïcode", job: "zürich ☃", team: "Ωmega <&>" },
        {
          summary: "Ошибка <b>&</b> 🚨 «quoted» \u2028 line 'a+b' \"c\"",
          description: "日本語のテキスト",
        },
      ),
    ],
  },
  {
    name: "long",
    alerts: ["1", "2"].map((i) =>
      alert(
        { alertname: "Long", job: "batch", detail: longText, instance: i },
        { summary: longText },
      ),
    ),
  },
  {
    name: "custom",
    ...custom,
    alerts: [
      alert({ alertname: "Custom", job: "node", severity: "warning" }, { summary: "s1" }),
      alert(
        { alertname: "Custom", job: "node", severity: "warning", instance: "2" },
        { summary: "s2" },
      ),
    ],
  },
  {
    name: "custom_resolved",
    ...custom,
    alerts: [alert({ alertname: "CustomR", job: "node", severity: "critical" })],
    later: [
      { ...alert({ alertname: "CustomR", job: "node", severity: "critical" }), endsAt: PAST },
    ],
  },
  {
    name: "file",
    slack: { title: '{{ template "outpost.title" . }}', text: '{{ template "outpost.list" . }}' },
    discord: {
      title: '{{ template "outpost.title" . }}',
      message: '{{ template "outpost.kv" .CommonLabels }}',
    },
    pagerduty: {
      description: '{{ template "outpost.title" . }}',
      details: { list: '{{ template "outpost.list" . }}' },
    },
    opsgenie: {
      message: '{{ template "outpost.title" . }}',
      description: '{{ template "outpost.list" . }}',
    },
    telegram: { message: '{{ template "outpost.list" . }}', parse_mode: "" },
    alerts: ["p", "q"].map((i) => alert({ alertname: "Templated", job: "api", instance: i })),
  },
  {
    name: "quoted",
    receiver: "team.ops+1 (eu)",
    alerts: [alert({ alertname: "Quote", job: "x" }, { summary: "receiver is regex-quoted" })],
  },
];
