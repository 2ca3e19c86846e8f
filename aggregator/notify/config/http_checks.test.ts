import { describe, expect, test } from "bun:test";
import { parseAlertmanagerConfig } from "./load.ts";

/** A webhook receiver whose http_config holds `lines` (each at line 7 onwards). */
const withHttp = (...lines: string[]) =>
  [
    "route: {receiver: r}",
    "receivers:",
    "  - name: r",
    "    webhook_configs:",
    "      - url: http://x/",
    "        http_config:",
    ...lines.map((l) => `          ${l}`),
  ].join("\n");

const HTTP = "receivers[0].webhook_configs[0].http_config";

// Each refused as amtool 0.25 refuses it (its words), at the line of the field to change.
const refused: [string, string[], string][] = [
  [
    "a bearer token and its file",
    ["bearer_token: t", "bearer_token_file: f"],
    `am.yml:8:30: ${HTTP}.bearer_token_file: at most one of bearer_token & bearer_token_file must be configured`,
  ],
  [
    "basic auth with a bearer token",
    ["basic_auth: {username: u}", "bearer_token: t"],
    `am.yml:8:25: ${HTTP}.bearer_token: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured`,
  ],
  [
    "a password and a password file",
    ["basic_auth:", "  password: p", "  password_file: f"],
    `am.yml:9:28: ${HTTP}.basic_auth.password_file: at most one of basic_auth password & password_file must be configured`,
  ],
  [
    "authorization with a bearer token file",
    ["authorization: {credentials: c}", "bearer_token_file: f"],
    `am.yml:8:30: ${HTTP}.bearer_token_file: authorization is not compatible with bearer_token & bearer_token_file`,
  ],
  [
    "authorization credentials and their file",
    ["authorization: {credentials: c, credentials_file: f}"],
    `am.yml:7:61: ${HTTP}.authorization.credentials_file: at most one of authorization credentials & credentials_file must be configured`,
  ],
  [
    "an authorization of type Basic",
    ["authorization: {type: ' Basic'}"],
    `am.yml:7:33: ${HTTP}.authorization.type: authorization type cannot be set to "basic", use "basic_auth" instead`,
  ],
  [
    "basic auth with authorization",
    ["basic_auth: {username: u}", "authorization: {credentials: c}"],
    `am.yml:8:26: ${HTTP}.authorization: at most one of basic_auth, oauth2 & authorization must be configured`,
  ],
  [
    "oauth2 without a client id",
    ["oauth2: {client_secret: s, token_url: 'http://t/'}"],
    `am.yml:7:19: ${HTTP}.oauth2.client_id: oauth2 client_id must be configured`,
  ],
  [
    "oauth2 without a client secret",
    ["oauth2: {client_id: i, token_url: 'http://t/'}"],
    `am.yml:7:19: ${HTTP}.oauth2.client_secret: either oauth2 client_secret or client_secret_file must be configured`,
  ],
  [
    "oauth2 without a token URL",
    ["oauth2: {client_id: i, client_secret_file: f}"],
    `am.yml:7:19: ${HTTP}.oauth2.token_url: oauth2 token_url must be configured`,
  ],
  [
    "a proxy_connect_header without a proxy",
    ["proxy_connect_header: {X-A: [b]}"],
    `am.yml:7:33: ${HTTP}.proxy_connect_header: if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured`,
  ],
];

describe("an alertmanager.yml's http_config", () => {
  test.each(refused)("is refused with %s, naming the line and field", (_, lines, message) => {
    expect(() => parseAlertmanagerConfig(withHttp(...lines), "am.yml")).toThrow(message);
  });

  test.each([
    ["an empty bearer token beside a file", ["bearer_token: ''", "bearer_token_file: f"]],
    [
      "oauth2 with a secret file and a token URL",
      ["oauth2: {client_id: i, client_secret_file: f, token_url: x}"],
    ],
    ["any proxy scheme", ["proxy_url: 'socks5://p:1080'"]],
    [
      "no_proxy beside proxy_url (newer than 0.25)",
      ["proxy_url: 'http://p/'", "no_proxy: a.example"],
    ],
  ])("is accepted with %s", (_, lines) => {
    expect(() => parseAlertmanagerConfig(withHttp(...lines), "am.yml")).not.toThrow();
  });

  test("is checked in global as well", () => {
    const text =
      "global:\n  http_config: {bearer_token: t, bearer_token_file: f}\nroute: {receiver: r}\nreceivers: [{name: r}]\n";
    expect(() => parseAlertmanagerConfig(text, "am.yml")).toThrow(
      "am.yml:2:53: global.http_config.bearer_token_file: at most one of",
    );
  });
});
