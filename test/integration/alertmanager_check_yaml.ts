/** Side-by-side cases: the YAML itself, read as Alertmanager's yaml.v2 reads it. */
import { accepts, type CheckCase, minimal, receiver, refuses } from "./alertmanager_check_cases.ts";

const RECEIVERS = "receivers: [{name: r}, {name: x}]\n";
const cont = (value: string) =>
  `route: {receiver: r, routes: [{continue: ${value}}]}\n${RECEIVERS}`;
const chatId = (value: string) => receiver("telegram_configs", `bot_token: t, chat_id: ${value}`);
const maxAlerts = (value: string) =>
  receiver("webhook_configs", `url: 'http://x/', max_alerts: ${value}`);

const documents: CheckCase[] = [
  refuses("an empty file", "", "no routes provided"),
  refuses("a list for a file", "- a\n", "cannot unmarshal !!seq into config"),
  refuses("a key written twice", `${minimal()}route: {receiver: r}\n`, "Map keys must be unique"),
  accepts("a second document that would be refused", `${minimal()}---\nfoo: 1\n`),
  accepts("a %YAML 1.1 directive", `%YAML 1.1\n---\n${minimal()}`),
  refuses(
    "a %YAML 1.2 directive",
    `%YAML 1.2\n---\n${minimal()}`,
    "found incompatible YAML document",
  ),
  refuses(
    "a %YAML 1.0 directive",
    `%YAML 1.0\n---\n${minimal()}`,
    "found incompatible YAML document",
  ),
  refuses("a tab for indentation", "route:\n\treceiver: r\n", "Cannot parse YAML"),
  accepts("Windows line ends", "route: {receiver: r}\r\nreceivers: [{name: r}]\r\n"),
];

const merges: CheckCase[] = [
  accepts(
    "a merge a field written after it overrides",
    `route:\n  <<: {receiver: x}\n  receiver: r\n${RECEIVERS}`,
  ),
  refuses(
    "a merge overriding a field written before it",
    `route:\n  receiver: r\n  <<: {receiver: nope}\n${RECEIVERS}`,
    'undefined receiver "nope"',
  ),
  accepts(
    "two merges, the later winning",
    `route:\n  <<: {receiver: nope}\n  <<: {receiver: r}\n${RECEIVERS}`,
  ),
  refuses(
    "a list of merges, the first winning",
    `route:\n  <<: [{receiver: nope}, {receiver: r}]\n${RECEIVERS}`,
    'undefined receiver "nope"',
  ),
  refuses(
    "a merge of a number",
    `route:\n  receiver: r\n  <<: 1\n${RECEIVERS}`,
    "route: map merge requires map or sequence of maps as the value",
  ),
  refuses(
    "a merge of null",
    `route:\n  receiver: r\n  <<: null\n${RECEIVERS}`,
    "map merge requires map or sequence of maps",
  ),
  refuses(
    "a merge setting a match key written there too",
    `route:\n  receiver: r\n  routes: [{match: {a: b, <<: {a: c}}}]\n${RECEIVERS}`,
    'route.routes[0].match: key "a" already set in map',
  ),
  refuses(
    "a quoted merge key",
    `route:\n  receiver: r\n  '<<': {group_wait: 1s}\n${RECEIVERS}`,
    "field << not found in route",
  ),
  accepts(
    "an anchor reused as a receiver's name",
    "route: {receiver: &n r}\nreceivers: [{name: *n}]\n",
  ),
];

const scalars: CheckCase[] = [
  ...["true", "True", "ON", "y", "Off", "no", "!!bool 'yes'"].map((v) =>
    accepts(`a bool written ${v}`, cont(v)),
  ),
  ...["'true'", "1", "!!str true", "!!int 1"].map((v) =>
    refuses(`a bool written ${v}`, cont(v), "route.routes[0].continue: cannot unmarshal"),
  ),
  ...[
    "0x10",
    "1_000",
    "010",
    "1.5",
    "+1",
    "1e3",
    "!!int '5'",
    "!!float 5",
    "-9223372036854775808",
  ].map((v) => accepts(`a chat id written ${v}`, chatId(v))),
  refuses("a chat id quoted", chatId("'1'"), "chat_id: cannot unmarshal !!str `1` into int64"),
  refuses(
    "a chat id tagged !!str",
    chatId("!!str 5"),
    "chat_id: cannot unmarshal !!str `5` into int64",
  ),
  refuses("a chat id past int64", chatId("9223372036854775808"), "into int64"),
  accepts("a max_alerts of 2^64-1", maxAlerts("18446744073709551615")),
  refuses(
    "a max_alerts written as a string",
    maxAlerts("'1'"),
    "max_alerts: cannot unmarshal !!str `1` into uint64",
  ),
  accepts(
    "a receiver name read from !!binary",
    "route: {receiver: r}\nreceivers: [{name: !!binary cg==}]\n",
  ),
  accepts(
    "names written as numbers, bools and dates",
    "route: {receiver: 1.50}\nreceivers: [{name: 1.50}, {name: 2020-01-01}, {name: yes}, {name: 0x1F}]\n",
  ),
  refuses(
    "a receiver name null",
    "route: {receiver: r}\nreceivers: [{name: r}, {name: null}]\n",
    "receivers[1]: missing name in receiver",
  ),
  refuses(
    "a string field holding a map",
    receiver("slack_configs", "api_url: 'http://x/', title: {a: b}"),
    "title: cannot unmarshal !!map into string",
  ),
  refuses(
    "matchers written as one string",
    `route: {receiver: r, routes: [{matchers: 'a=b'}]}\n${RECEIVERS}`,
    "matchers: cannot unmarshal !!str `a=b` into matchers",
  ),
];

/** Every case of how the YAML is read. */
export const yamlCases: readonly CheckCase[] = [...documents, ...merges, ...scalars];
