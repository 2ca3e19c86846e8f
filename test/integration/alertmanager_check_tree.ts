/** Side-by-side cases: global, the routing tree, inhibit rules, time intervals and templates. */
import { accepts, type CheckCase, minimal, refuses, route } from "./alertmanager_check_cases.ts";

const ti = (interval: string, key = "time_intervals") =>
  minimal(`${key}: [{name: t, time_intervals: [{${interval}}]}]\n`);
const tmpl = (globs: string) => minimal(`templates: [${globs}]\n`);
const GOOD = '{{ define "x" }}ok{{ end }}';
const BROKEN = "{{ if }}";

const global: CheckCase[] = [
  accepts(
    "a global section of every default",
    `global: {resolve_timeout: 1m, smtp_hello: h, smtp_require_tls: false, telegram_api_url: 'http://t/', webex_api_url: 'http://w/'}\n${minimal()}`,
  ),
  refuses(
    "a global field Alertmanager lacks",
    `global: {smtp_tls_config: {}}\n${minimal()}`,
    "global: field smtp_tls_config not found in global",
  ),
  refuses(
    "a global SMTP password beside its file",
    `global: {smtp_auth_password: p, smtp_auth_password_file: f}\n${minimal()}`,
    "at most one of smtp_auth_password & smtp_auth_password_file",
  ),
  accepts(
    "a global SMTP password written empty beside its file",
    `global: {smtp_auth_password: '', smtp_auth_password_file: f}\n${minimal()}`,
  ),
  refuses(
    "a global Opsgenie key beside its file",
    `global: {opsgenie_api_key: k, opsgenie_api_key_file: f}\n${minimal()}`,
    "at most one of opsgenie_api_key & opsgenie_api_key_file",
  ),
  accepts("an empty global smarthost", `global: {smtp_smarthost: ''}\n${minimal()}`),
  refuses(
    "a global smarthost without a port",
    `global: {smtp_smarthost: smtp}\n${minimal()}`,
    "global.smtp_smarthost: address smtp: missing port in address",
  ),
  refuses(
    "a global resolve_timeout in hours and a half",
    `global: {resolve_timeout: 1.5h}\n${minimal()}`,
    'not a valid duration string: "1.5h"',
  ),
];

const routes: CheckCase[] = [
  accepts(
    "a route of durations in days, weeks and years",
    route("group_wait: 1d, group_interval: 1w, repeat_interval: 1y"),
  ),
  accepts("a route grouping by every label", route("group_by: ['...']")),
  refuses(
    "a group_by with `...` and a label",
    route("group_by: ['...', a]"),
    "cannot have wildcard group_by",
  ),
  refuses(
    "a group_by naming a label twice",
    route("group_by: [a, a]"),
    'duplicated label "a" in group_by',
  ),
  refuses(
    "a group_by with a null label",
    route("group_by: [a, null]"),
    'invalid label name "" in group_by list',
  ),
  refuses("a zero group_interval", route("group_interval: 0s"), "group_interval cannot be zero"),
  refuses(
    "a negative group_wait",
    route("group_wait: -1s"),
    'route.group_wait: not a valid duration string: "-1s"',
  ),
  refuses(
    "a root route with matchers",
    route("matchers: ['a=b']"),
    "root route must not have any matchers",
  ),
  refuses(
    "a root route with continue",
    route("continue: true"),
    "cannot have continue in root route",
  ),
  refuses(
    "a root route without a receiver",
    "route: {group_wait: 1s}\nreceivers: [{name: r}]\n",
    "root route must specify a default receiver",
  ),
  refuses(
    "a child route to an unknown receiver",
    route("routes: [{receiver: nope}]"),
    'undefined receiver "nope" used in route',
  ),
  refuses(
    "a child route muted by an unknown interval",
    route("routes: [{mute_time_intervals: [nope]}]"),
    'undefined time interval "nope"',
  ),
  refuses(
    "a child route muted by a null interval",
    route("routes: [{mute_time_intervals: [null]}]"),
    'undefined time interval ""',
  ),
  refuses(
    "an empty child route (0.25 crashes on it)",
    route("routes: [{receiver: s, routes: [null]}]"),
    "route.routes[0].routes[0]: empty entry",
  ),
  refuses(
    "a child match_re with an unclosed group",
    route("routes: [{match_re: {a: '('}}]"),
    "match_re: error parsing regexp: missing closing ): `^(?:()$`",
  ),
  refuses(
    "a child match_re that is no RE2",
    route("routes: [{match_re: {a: '(?=a)'}}]"),
    "match_re: error parsing regexp",
  ),
  refuses(
    "a child matcher naming a label with a space",
    route("routes: [{matchers: ['\"a b\"=c']}]"),
    'bad matcher format: "a b"=c',
  ),
  accepts(
    "child matchers with braces, commas and unquoted values",
    route("routes: [{matchers: ['{a=b, c=d}', 'e=f,', 'g=h i']}]"),
  ),
  refuses(
    "an empty receiver (0.25 crashes on it)",
    "route: {receiver: r}\nreceivers: [{name: r}, null]\n",
    "receivers[1]: empty entry",
  ),
  refuses(
    "two receivers of one name",
    "route: {receiver: r}\nreceivers: [{name: r}, {name: r}]\n",
    'notification config name "r" is not unique',
  ),
  accepts("a receiver no route sends to", route("")),
];

const inhibit: CheckCase[] = [
  accepts(
    "inhibit rules of every matcher form",
    minimal(
      "inhibit_rules: [{source_match: {a: b}, source_match_re: {c: d}, target_matchers: ['e!=f'], equal: [g, g, null]}, null]\n",
    ),
  ),
  refuses(
    "an inhibit rule equal on a bad label name",
    minimal("inhibit_rules: [{equal: ['a-b']}]\n"),
    'inhibit_rules[0].equal: "a-b" is not a valid label name',
  ),
  refuses(
    "an inhibit rule field Alertmanager lacks",
    minimal("inhibit_rules: [{source: x}]\n"),
    "field source not found in inhibit rule",
  ),
];

const intervals: CheckCase[] = [
  accepts(
    "a time interval of every field",
    ti(
      "times: [{start_time: '09:00', end_time: '24:00'}], weekdays: ['monday:friday'], days_of_month: ['1:5', '-3:-1'], months: ['january:march', '13'], years: ['2020:2030'], location: Europe/Berlin",
    ),
  ),
  accepts(
    "a mute_time_intervals entry and a null one",
    minimal("mute_time_intervals: [{name: t, time_intervals: [{weekdays: [Sunday]}]}, null]\n"),
  ),
  refuses(
    "a time range past 24:00",
    ti("times: [{start_time: '00:00', end_time: '24:01'}]"),
    "couldn't parse timestamp 24:01",
  ),
  refuses(
    "a time range ending where it starts",
    ti("times: [{start_time: '10:00', end_time: '10:00'}]"),
    "start time cannot be equal or greater than end time",
  ),
  refuses(
    "a weekday range backwards",
    ti("weekdays: ['friday:monday']"),
    "start day cannot be before end day",
  ),
  refuses(
    "a day of the month 0",
    ti("days_of_month: ['0']"),
    "0 is not a valid day of the month: out of range",
  ),
  refuses(
    "a month range backwards",
    ti("months: ['march:january']"),
    "end month january is before start month march",
  ),
  refuses("a location in lower case", ti("location: utc"), "location: unknown time zone utc"),
  refuses(
    "a location Go does not know",
    ti("location: Nowhere/City"),
    "unknown time zone Nowhere/City",
  ),
  refuses(
    "one interval name in both lists",
    minimal("time_intervals: [{name: t}]\nmute_time_intervals: [{name: t}]\n"),
    'time interval "t" is not unique',
  ),
];

const templates: CheckCase[] = [
  accepts("a template named by its path", tmpl("'good.tmpl'")),
  accepts("template globs that match nothing", tmpl("'/nonexistent/*.tmpl', '', null")),
  accepts("a {good,broken} glob, which Go reads as text", tmpl("'{good,broken}.tmpl'")),
  refuses(
    "a broken template named by its path",
    tmpl("'broken.tmpl'"),
    "template: broken.tmpl:1: missing value for if",
  ),
  refuses(
    "a glob reaching a dot file",
    tmpl("'*.hidden'"),
    "template: .broken.hidden:1: missing value for if",
  ),
  refuses(
    "a [!b] class, in which Go reads ! as a character",
    tmpl("'[!b]roken.tmpl'"),
    "template: broken.tmpl:1",
  ),
  refuses("a glob naming a directory", tmpl("'dir'"), "dir: is a directory"),
  ...["'['", "'*['", "'[]'", "'[a-]'", "'[^]'", "'x\\'"].map((g) =>
    refuses(`a template glob ${g}`, tmpl(g), "syntax error in pattern"),
  ),
];

/** The files the template cases read, beside the alertmanager.yml. */
export const TEMPLATE_FILES: Readonly<Record<string, string>> = {
  "good.tmpl": GOOD,
  "broken.tmpl": BROKEN,
  ".broken.hidden": BROKEN,
  "dir/inside.tmpl": GOOD,
};

/** Every global, routing, inhibition, time interval and template case. */
export const treeCases: readonly CheckCase[] = [
  ...global,
  ...routes,
  ...inhibit,
  ...intervals,
  ...templates.map((c) => ({ ...c, files: TEMPLATE_FILES })),
];
