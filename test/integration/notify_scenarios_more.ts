/**
 * More scenarios of notify_alertmanager.test.ts (s15 on): silences made and expired through
 * the API mid-flight, flapping, label changes, longer repeat and child timings, `...` and
 * nested `continue` variants, inhibition details, receivers without integrations and many
 * groups at once. Same timings as notify_scenarios.ts: group_wait 1s, group_interval 2s,
 * repeat_interval 3s unless a route says, so flushes land just after odd seconds.
 */
import { expect } from "bun:test";
import { alert, all, now, type Scenario } from "./notify_scenarios.ts";

const paths = (m: Map<string, unknown>) =>
  [...new Set([...m.keys()].map((k) => k.split(" ")[0]))].sort();

/** The scenarios after the first fourteen. */
export const MORE_SCENARIOS: Scenario[] = [
  {
    name: "s15",
    title: "a silence made mid-flight mutes the repeats, and its expiry lets the next through",
    route: { group_by: ["alertname"] },
    receivers: ["r15"],
    steps: [
      { at: 0, alerts: () => [alert("s15", { alertname: "Hushed" })] },
      { at: 1500, silence: ['scenario="s15"', 'alertname="Hushed"'] },
      { at: 5500, expire: true },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).length).toBe(3),
  },
  {
    name: "s16",
    title: "an alert silenced from the start is first sent when the silence expires",
    route: { group_by: ["alertname"] },
    receivers: ["r16"],
    steps: [
      { at: 0, silence: ['scenario="s16"', "alertname=~Pre.*"] },
      { at: 200, alerts: () => [alert("s16", { alertname: "Presilenced" })] },
      { at: 4500, expire: true },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).length).toBe(2),
  },
  {
    name: "s17",
    title: "a flapping alert (firing, resolved, firing again) between flushes",
    route: { group_by: ["alertname"] },
    receivers: ["r17"],
    steps: [
      { at: 0, alerts: () => [alert("s17", { alertname: "Flap" })] },
      { at: 1500, alerts: (t) => [now("s17", { alertname: "Flap" })(t)] },
      { at: 2000, alerts: () => [alert("s17", { alertname: "Flap" })] },
      // The second flap straddles the flush after 5 s with most of a second to spare each side
      // (at 4500 and 5000 the re-fire raced that flush: either tool could see either state).
      { at: 4300, alerts: (t) => [now("s17", { alertname: "Flap" })(t)] },
      { at: 5700, alerts: () => [alert("s17", { alertname: "Flap" })] },
    ],
    expectNotifications: true,
  },
  {
    name: "s18",
    title: "a repeat_interval that is not a multiple of group_interval repeats at the next flush",
    route: { group_by: ["alertname"], repeat_interval: "5s" },
    receivers: ["r18"],
    steps: [{ at: 0, alerts: () => [alert("s18", { alertname: "Slow" })] }],
    expectNotifications: true,
    check: (m) => expect(all(m).length).toBe(2),
  },
  {
    name: "s19",
    title: "'...' inherited by a child, and a child grouping by labels some alerts lack",
    route: {
      group_by: ["..."],
      routes: [
        { matchers: ['team="a"'], receiver: "s19-all" },
        { matchers: ['team="b"'], receiver: "s19-some", group_by: ["cluster", "region"] },
      ],
    },
    receivers: ["s19-all", "s19-some"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s19", { alertname: "X", team: "a", host: "1" }),
          alert("s19", { alertname: "X", team: "a", host: "2" }),
          alert("s19", { alertname: "X", team: "b", cluster: "eu", region: "w" }),
          alert("s19", { alertname: "Y", team: "b", cluster: "eu", region: "w" }),
          alert("s19", { alertname: "X", team: "b", cluster: "eu" }),
          alert("s19", { alertname: "X", team: "b" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(m.size).toBe(5),
  },
  {
    name: "s20",
    title: "continue at several nesting levels reaches every matching receiver in order",
    route: {
      receiver: "s20-top",
      routes: [
        {
          matchers: ['tier="1"'],
          receiver: "s20-a",
          continue: true,
          routes: [
            { matchers: ['kind="x"'], receiver: "s20-ax", continue: true },
            { matchers: ['sub=~"p|q"'], receiver: "s20-asub", continue: true },
            { matchers: ['kind="x"'], receiver: "s20-ax2" },
            { receiver: "s20-never" },
          ],
        },
        {
          matchers: ['kind="x"'],
          receiver: "s20-b",
          continue: true,
          routes: [{ matchers: ['sub="p"'], receiver: "s20-bp" }],
        },
        { matchers: ['tier="1"'], receiver: "s20-c" },
      ],
    },
    receivers: [
      "s20-top",
      "s20-a",
      "s20-ax",
      "s20-asub",
      "s20-ax2",
      "s20-never",
      "s20-b",
      "s20-bp",
      "s20-c",
    ],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s20", { alertname: "N", tier: "1", kind: "x", sub: "p" }),
          alert("s20", { alertname: "M", tier: "1", kind: "y" }),
          alert("s20", { alertname: "K", kind: "x" }),
          alert("s20", { alertname: "L" }),
        ],
      },
    ],
    expectNotifications: true,
    // N stops at s20-ax2 (no continue), so only M, which no other child takes, reaches s20-never.
    check: (m) =>
      expect([...m.keys()].filter((k) => k.startsWith("/s20/s20-never "))).toEqual([
        '/s20/s20-never {}/{scenario="s20"}/{tier="1"}/{}:{alertname="M"}',
      ]),
  },
  {
    name: "s21",
    title: "inhibition with equal on a label both lack mutes; one the target has does not",
    route: { group_by: ["alertname", "zone"] },
    receivers: ["r21"],
    inhibit: [
      {
        source_matchers: ['scenario="s21"', 'severity="critical"'],
        target_matchers: ['scenario="s21"', 'severity="warning"'],
        equal: ["zone"],
      },
    ],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s21", { alertname: "Src", severity: "critical" }),
          alert("s21", { alertname: "Tgt", severity: "warning" }),
          alert("s21", { alertname: "Tgt", severity: "warning", zone: "z" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(m.size).toBe(2),
  },
  {
    name: "s22",
    title: "an alert whose labels change: the old label set resolves, the new one fires",
    route: { group_by: ["alertname"] },
    receivers: ["r22"],
    steps: [
      { at: 0, alerts: () => [alert("s22", { alertname: "Ver", version: "1" })] },
      {
        at: 1500,
        alerts: (t) => [
          now("s22", { alertname: "Ver", version: "1" })(t),
          alert("s22", { alertname: "Ver", version: "2" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m)[1].alerts.map((a) => a.status)).toEqual(["resolved", "firing"]),
  },
  {
    name: "s23",
    title: "one alert of many resolves: the group's next notification says so",
    route: { group_by: ["alertname"] },
    receivers: ["r23"],
    steps: [
      {
        at: 0,
        alerts: () =>
          ["a", "b", "c", "d", "e", "f"].map((i) =>
            alert("s23", { alertname: "Many", instance: i }),
          ),
      },
      { at: 1500, alerts: (t) => [now("s23", { alertname: "Many", instance: "c" })(t)] },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m)[1].alerts.filter((a) => a.status === "resolved").length).toBe(1),
  },
  {
    name: "s24",
    title: "active and mute time intervals together on one route: the mute wins",
    route: {
      routes: [
        {
          receiver: "s24-both",
          active_time_intervals: ["always"],
          mute_time_intervals: ["always"],
          continue: true,
        },
        {
          receiver: "s24-active",
          active_time_intervals: ["always"],
          mute_time_intervals: ["never"],
        },
      ],
    },
    receivers: ["s24-both", "s24-active"],
    steps: [{ at: 0, alerts: () => [alert("s24", { alertname: "Both" })] }],
    expectNotifications: true,
    check: (m) => expect(paths(m)).toEqual(["/s24/s24-active"]),
  },
  {
    name: "s25",
    title: "a receiver with no integrations takes its alerts without sending anything",
    route: {
      receiver: "s25-none",
      routes: [
        { matchers: ['team="x"'], receiver: "s25-none", continue: true },
        { matchers: ['team="x"'], receiver: "s25-hook" },
      ],
    },
    receivers: [["s25-none", null], "s25-hook"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s25", { alertname: "Z", team: "x" }),
          alert("s25", { alertname: "Q" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(paths(m)).toEqual(["/s25/s25-hook"]),
  },
  {
    name: "s26",
    title: "a child route's own group_interval times its later notifications",
    route: {
      routes: [{ matchers: ['alertname="Child"'], receiver: "s26-child", group_interval: "4s" }],
    },
    receivers: ["s26-child"],
    steps: [
      { at: 0, alerts: () => [alert("s26", { alertname: "Child", instance: "a" })] },
      { at: 1500, alerts: () => [alert("s26", { alertname: "Child", instance: "b" })] },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).map((b) => b.alerts.length)).toEqual([1, 2, 2]),
  },
  {
    name: "s27",
    title: "many groups at once, each notified on its own",
    route: { group_by: ["alertname", "instance"] },
    receivers: ["r27"],
    steps: [
      {
        at: 0,
        alerts: () =>
          Array.from({ length: 40 }, (_, i) =>
            alert("s27", { alertname: `A${i % 4}`, instance: `host-${i}` }),
          ),
      },
    ],
    expectNotifications: true,
    check: (m) => expect(m.size).toBe(40),
  },
  {
    name: "s28",
    title: "a source that fires after the target was sent mutes it until it resolves",
    route: { group_by: ["scenario"] },
    receivers: ["r28"],
    inhibit: [
      {
        source_matchers: ['scenario="s28"', 'alertname="Outage"'],
        target_matchers: ['scenario="s28"', 'alertname="Symptom"'],
      },
    ],
    steps: [
      { at: 0, alerts: () => [alert("s28", { alertname: "Symptom" })] },
      { at: 1500, alerts: () => [alert("s28", { alertname: "Outage" })] },
      { at: 4500, alerts: (t) => [now("s28", { alertname: "Outage" })(t)] },
    ],
    expectNotifications: true,
  },
  {
    name: "s29",
    title: "a child's longer group_wait gathers alerts arriving meanwhile into one notification",
    route: { group_by: ["alertname"], group_wait: "3s" },
    receivers: ["r29"],
    steps: [
      { at: 0, alerts: () => [alert("s29", { alertname: "Wait", instance: "a" })] },
      { at: 1500, alerts: () => [alert("s29", { alertname: "Wait", instance: "b" })] },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m)[0].alerts.length).toBe(2),
  },
  {
    name: "s30",
    title: "negative matchers (!= and !~) choose the routes, and the first match stops",
    route: {
      routes: [
        { matchers: ['env!="prod"', 'env!~"dev|test"'], receiver: "s30-other" },
        { matchers: ['env!~"dev|test"'], receiver: "s30-prod" },
        { matchers: ['env!="prod"'], receiver: "s30-dev" },
      ],
    },
    receivers: ["s30-other", "s30-prod", "s30-dev"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert("s30", { alertname: "E", env: "prod" }),
          alert("s30", { alertname: "E", env: "dev" }),
          alert("s30", { alertname: "E", env: "stage" }),
          alert("s30", { alertname: "F" }),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(paths(m)).toEqual(["/s30/s30-dev", "/s30/s30-other", "/s30/s30-prod"]),
  },
  {
    name: "s31",
    title: "an alert posted with an endsAt ahead resolves by itself when it passes",
    route: { group_by: ["alertname"] },
    receivers: ["r31"],
    steps: [
      {
        at: 0,
        alerts: () => [
          alert(
            "s31",
            { alertname: "Expiring" },
            { endsAt: new Date(Date.now() + 2500).toISOString() },
          ),
        ],
      },
    ],
    expectNotifications: true,
    check: (m) => expect(all(m).map((b) => b.status)).toEqual(["firing", "resolved"]),
  },
];
