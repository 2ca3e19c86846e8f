/**
 * The scenarios of notify_alertmanager.test.ts: each has its own `scenario` label, route,
 * receivers (a webhook to `<sink>/<scenario>/<receiver>`), and alerts posted at set times.
 * Timings are short: group_wait 1s, group_interval 2s, repeat_interval 3s unless a route says.
 */
import { expect } from "bun:test";
import { stringify } from "yaml";

/** Alerts as posted, given the posting time (for `endsAt: now`). */
export type Post = (now: string) => Record<string, unknown>[];

/** What a check reads of a notification. */
interface Notified {
  readonly status: string;
  readonly truncatedAlerts: number;
  readonly alerts: readonly { readonly status: string }[];
}

/**
 * What happens at one time (ms from the start): alerts posted, the scenario's silence made
 * with these matchers (`name=value` or `name=~regex`), or that silence expired.
 */
export interface Step {
  readonly at: number;
  readonly alerts?: Post;
  readonly silence?: readonly string[];
  readonly expire?: true;
}

/** One scenario. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** The route under the root (its matchers on `scenario` are added). */
  readonly route: Record<string, unknown>;
  /** Receiver names, or [name, extra webhook fields], or [name, null] for no integrations. */
  readonly receivers: readonly (string | [string, Record<string, unknown> | null])[];
  readonly inhibit?: Record<string, unknown>[];
  readonly steps: readonly Step[];
  readonly expectNotifications: boolean;
  /** A check of what Alertmanager sent, that the scenario exercises what it says. */
  readonly check?: (byGroup: Map<string, { body: Notified }[]>) => void;
}

export const alert = (
  s: string,
  labels: Record<string, string>,
  extra: Record<string, unknown> = {},
) => ({
  labels: { scenario: s, ...labels },
  ...extra,
});
export const now = (s: string, labels: Record<string, string>) => (t: string) =>
  alert(s, labels, { endsAt: t });
export const all = (m: Map<string, { body: Notified }[]>) =>
  [...m.values()].flat().map((n) => n.body);

/** The scenarios. */
export const SCENARIOS: Scenario[] = [
  {
    name: "s01",
    title: "alerts are grouped by several labels",
    route: { group_by: ["alertname", "cluster", "service"] },
    receivers: ["r01"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s01", { alertname: "Down", cluster: "eu", service: "api", instance: "a" }),
          alert("s01", { alertname: "Down", cluster: "eu", service: "api", instance: "b" }),
          alert("s01", { alertname: "Down", cluster: "us", service: "api", instance: "c" }),
          alert("s01", { alertname: "Down", cluster: "us" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(m.size).toBe(3),
  },
  {
    name: "s02",
    title: "group_by '...' puts each label set in its own group",
    route: { group_by: ["..."] },
    receivers: ["r02"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s02", { alertname: "A", instance: "x" }, { annotations: { summary: "one" } }),
          alert("s02", { alertname: "A", instance: "y" }),
          alert("s02", { alertname: "B" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(m.size).toBe(3),
  },
  {
    name: "s03",
    title: "nested routes with continue send to every matching receiver",
    route: {
      receiver: "s03-parent",
      routes: [
        { matchers: ['severity="critical"'], receiver: "s03.crit", continue: true },
        { matchers: ["team=~db|cache"], receiver: "s03-db", group_by: ["team"] },
        { match: { team: "web" }, receiver: "s03-web" },
      ],
    },
    receivers: ["s03-parent", "s03.crit", "s03-db", "s03-web"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s03", { alertname: "X", severity: "critical", team: "db" }),
          alert("s03", { alertname: "X", severity: "warning", team: "cache" }),
          alert("s03", { alertname: "Y", severity: "critical", team: "ops" }),
          alert("s03", { alertname: "Z", severity: "info", team: "web" }),
          alert("s03", { alertname: "Z", severity: "info" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(m.size).toBe(6),
  },
  {
    name: "s04",
    title: "a firing source inhibits targets with the same equal labels",
    route: { group_by: ["scenario"] },
    receivers: ["r04"],
    inhibit: [
      {
        source_matchers: ['scenario="s04"', 'severity="critical"'],
        target_matchers: ['scenario="s04"', 'severity="warning"'],
        equal: ["instance"],
      },
    ],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s04", { alertname: "Crit", severity: "critical", instance: "a" }),
          alert("s04", { alertname: "Warn", severity: "warning", instance: "a" }),
          alert("s04", { alertname: "Warn", severity: "warning", instance: "b" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m)[0].alerts.length).toBe(2),
  },
  {
    name: "s05",
    title: "an inhibited alert is sent once its source resolves",
    route: { group_by: ["scenario"] },
    receivers: ["r05"],
    inhibit: [
      {
        source_match: { scenario: "s05", severity: "critical" },
        target_match_re: { scenario: "s05", severity: "warn.*" },
        equal: ["instance"],
      },
    ],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s05", { alertname: "Crit", severity: "critical", instance: "a" }),
          alert("s05", { alertname: "Warn", severity: "warning", instance: "a" }),
        ],
      },
      {
        at: 1500,
        alerts: (t) => [now("s05", { alertname: "Crit", severity: "critical", instance: "a" })(t)],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).length).toBe(4),
  },
  {
    name: "s06",
    title: "a resolved alert is sent once, then the group goes on with the rest",
    route: { group_by: ["alertname"] },
    receivers: ["r06"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s06", { alertname: "Disk", instance: "a" }, { annotations: { summary: "full" } }),
          alert("s06", { alertname: "Disk", instance: "b" }, { annotations: { summary: "full" } }),
        ],
      },
      { at: 1500, alerts: (t) => [now("s06", { alertname: "Disk", instance: "a" })(t)] },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m)[1].alerts.map((a) => a.status)).toEqual(["resolved", "firing"]),
  },
  {
    name: "s07",
    title: "unchanged firing alerts are repeated after repeat_interval",
    route: { group_by: ["alertname"], repeat_interval: "3s" },
    receivers: ["r07"],
    steps: [{ at: 0, alerts: () => [alert("s07", { alertname: "Repeat" })] }],
    expectNotifications: true,
    check: (m) => expect(all(m).length).toBe(3),
  },
  {
    name: "s08",
    title: "mute and active time intervals apply at flush time",
    route: {
      routes: [
        { receiver: "s08-muted", mute_time_intervals: ["always"], continue: true },
        { receiver: "s08-active", active_time_intervals: ["always"], continue: true },
        { receiver: "s08-inactive", active_time_intervals: ["never"], continue: true },
        { receiver: "s08-unmuted", mute_time_intervals: ["never"] },
      ],
    },
    receivers: ["s08-muted", "s08-active", "s08-inactive", "s08-unmuted"],
    steps: [{ at: 0, alerts: () => [alert("s08", { alertname: "Timed" })] }],
    expectNotifications: true,
    check: (m) =>
      expect([...m.keys()].map((k) => k.split(" ")[0]).sort()).toEqual([
        "/s08/s08-active",
        "/s08/s08-unmuted",
      ]),
  },
  {
    name: "s09",
    title: "max_alerts truncates the sorted alerts and counts the rest",
    route: { group_by: ["alertname"] },
    receivers: [["r09", { max_alerts: 2 }]],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s09", { alertname: "Many", job: "b", instance: "1" }),
          alert("s09", { alertname: "Many", job: "a", instance: "2" }),
          alert("s09", { alertname: "Many", instance: "0" }),
          alert("s09", { alertname: "Many", job: "a", instance: "1" }),
          alert("s09", { alertname: "Many", zone: "z" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m)[0].truncatedAlerts).toBe(3),
  },
  {
    name: "s10",
    title: "without send_resolved, resolved alerts are not sent",
    route: { group_by: ["alertname"] },
    receivers: [["r10", { send_resolved: false }]],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s10", { alertname: "Quiet", instance: "a" }),
          alert("s10", { alertname: "Quiet", instance: "b" }),
        ],
      },
      { at: 1500, alerts: (t) => [now("s10", { alertname: "Quiet", instance: "a" })(t)] },
      { at: 3500, alerts: (t) => [now("s10", { alertname: "Quiet", instance: "b" })(t)] },
    ],
    expectNotifications: true,
  },
  {
    name: "s11",
    title: "an alert joining a group after its first flush waits for group_interval",
    route: { group_by: ["alertname"] },
    receivers: ["r11"],
    steps: [
      { at: 0, alerts: () => [alert("s11", { alertname: "Late", instance: "a" })] },
      { at: 1500, alerts: () => [alert("s11", { alertname: "Late", instance: "b" })] },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).map((b) => b.alerts.length)).toEqual([1, 2, 2, 2]),
  },
  {
    name: "s12",
    title: "an alert that started before group_wait is flushed at once",
    route: { group_by: ["alertname"], group_wait: "3s" },
    receivers: ["r12"],
    steps: [
      {
        // Flushed at once, so its flushes fall half a second after the even seconds, clear
        // of the others' (after the odd ones) and of the end of watching (12 s).
        at: 500,
        alerts: () => [
          alert(
            "s12",
            { alertname: "Old" },
            { startsAt: new Date(Date.now() - 3600_000).toISOString() },
          ),
        ],
      },
    ],
    expectNotifications: true,
  },
  {
    name: "s13",
    title: "common labels and annotations, and a resolve of the whole group",
    route: { group_by: ["alertname"] },
    receivers: ["r13"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert(
            "s13",
            { alertname: "Cert", severity: "page", host: "a" },
            { annotations: { runbook: "r", summary: "a" }, generatorURL: "http://prom/graph?g0" },
          ),
          alert(
            "s13",
            { alertname: "Cert", severity: "page", host: "b" },
            { annotations: { runbook: "r", summary: "b" } },
          ),
        ],
      },
      {
        at: 1500,
        alerts: (t) => [
          now("s13", { alertname: "Cert", severity: "page", host: "a" })(t),
          now("s13", { alertname: "Cert", severity: "page", host: "b" })(t),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).map((b) => b.status)).toEqual(["firing", "resolved"]),
  },
  {
    name: "s14",
    title: "alerts resolved before the first flush are never sent",
    route: { group_by: ["alertname"] },
    receivers: ["r14"],
    steps: [
      { at: 0, alerts: () => [alert("s14", { alertname: "Blip" })] },
      { at: 300, alerts: (t) => [now("s14", { alertname: "Blip" })(t)] },
    ],
    expectNotifications: false,
  },
];

/** The alertmanager.yml of the scenarios, webhooks pointing at `sink`. */
export function alertmanagerYaml(sink: string, scenarios: readonly Scenario[]): string {
  const receivers: Record<string, unknown>[] = [{ name: "default" }];
  const routes: Record<string, unknown>[] = [];
  const inhibit: Record<string, unknown>[] = [];
  for (const s of scenarios) {
    routes.push({
      receiver: s.receivers.map((r) => (typeof r === "string" ? r : r[0]))[0],
      ...s.route,
      matchers: [`scenario="${s.name}"`],
    });
    for (const r of s.receivers) {
      const [name, extra] = typeof r === "string" ? [r, {}] : r;
      if (extra === null) receivers.push({ name });
      else
        receivers.push({ name, webhook_configs: [{ url: `${sink}/${s.name}/${name}`, ...extra }] });
    }
    inhibit.push(...(s.inhibit ?? []));
  }
  return stringify({
    route: {
      receiver: "default",
      group_by: ["alertname"],
      group_wait: "1s",
      group_interval: "2s",
      repeat_interval: "3s",
      routes,
    },
    receivers,
    inhibit_rules: inhibit,
    time_intervals: [
      { name: "always", time_intervals: [{ times: [{ start_time: "00:00", end_time: "24:00" }] }] },
      { name: "never", time_intervals: [{ years: ["1999"] }] },
    ],
  });
}
