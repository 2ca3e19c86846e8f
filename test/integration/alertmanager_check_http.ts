/** Side-by-side cases: an integration's http_config and tls_config, and the URLs of the file. */
import {
  accepts,
  type CheckCase,
  minimal,
  newer,
  receiver,
  refuses,
  webhookHttp,
} from "./alertmanager_check_cases.ts";

const HTTP = "webhook_configs[0].http_config";
const OAUTH2 = "client_id: i, client_secret: s, token_url: 'http://token/'";

const auth: CheckCase[] = [
  accepts(
    "basic auth with a password file",
    webhookHttp("basic_auth: {username: u, password_file: /pw}"),
  ),
  accepts("an empty basic_auth", webhookHttp("basic_auth: {}")),
  refuses(
    "a password beside its file",
    webhookHttp("basic_auth: {password: p, password_file: f}"),
    `${HTTP}.basic_auth.password_file: at most one of basic_auth password & password_file`,
  ),
  accepts(
    "an empty password beside its file",
    webhookHttp("basic_auth: {password: '', password_file: f}"),
  ),
  newer(
    "basic auth's username_file",
    webhookHttp("basic_auth: {username_file: /u}"),
    "0.26+ (a newer Prometheus HTTP client)",
  ),
  refuses(
    "basic auth beside authorization",
    webhookHttp("basic_auth: {username: u}, authorization: {credentials: c}"),
    "at most one of basic_auth, oauth2 & authorization",
  ),
  refuses(
    "basic auth beside a bearer token",
    webhookHttp("basic_auth: {username: u}, bearer_token: t"),
    `${HTTP}.bearer_token: at most one of basic_auth, oauth2, bearer_token & bearer_token_file`,
  ),
  refuses(
    "a bearer token beside its file",
    webhookHttp("bearer_token: t, bearer_token_file: f"),
    `${HTTP}.bearer_token_file: at most one of bearer_token & bearer_token_file`,
  ),
  accepts(
    "an empty bearer token beside its file",
    webhookHttp("bearer_token: '', bearer_token_file: f"),
  ),
  refuses(
    "authorization beside a bearer token",
    webhookHttp("authorization: {credentials: c}, bearer_token: t"),
    "authorization is not compatible with bearer_token & bearer_token_file",
  ),
  refuses(
    "authorization beside a bearer token file",
    webhookHttp("authorization: {credentials: c}, bearer_token_file: f"),
    `${HTTP}.bearer_token_file: authorization is not compatible`,
  ),
  refuses(
    "authorization credentials beside their file",
    webhookHttp("authorization: {credentials: c, credentials_file: f}"),
    "authorization.credentials_file: at most one of authorization credentials & credentials_file",
  ),
  refuses(
    "an authorization of type Basic",
    webhookHttp("authorization: {type: Basic, credentials: c}"),
    'authorization.type: authorization type cannot be set to "basic"',
  ),
  refuses(
    "an authorization of type ' basic '",
    webhookHttp("authorization: {type: ' basic '}"),
    'authorization type cannot be set to "basic"',
  ),
  accepts("an authorization with a type alone", webhookHttp("authorization: {type: Token}")),
  accepts(
    "oauth2 with a secret file and any token URL",
    webhookHttp(
      "oauth2: {client_id: i, client_secret_file: /s, token_url: x, scopes: [a], endpoint_params: {a: b}}",
    ),
  ),
  refuses(
    "oauth2 without a client id",
    webhookHttp("oauth2: {client_secret: s, token_url: t}"),
    `${HTTP}.oauth2.client_id: oauth2 client_id must be configured`,
  ),
  refuses(
    "oauth2 without a client secret",
    webhookHttp("oauth2: {client_id: i, token_url: t}"),
    "oauth2.client_secret: either oauth2 client_secret or client_secret_file must be configured",
  ),
  refuses(
    "oauth2 secret beside its file",
    webhookHttp("oauth2: {client_id: i, client_secret: s, client_secret_file: f, token_url: t}"),
    "at most one of oauth2 client_secret & client_secret_file",
  ),
  refuses(
    "oauth2 without a token URL",
    webhookHttp("oauth2: {client_id: i, client_secret: s}"),
    "oauth2.token_url: oauth2 token_url must be configured",
  ),
  refuses(
    "oauth2 beside basic auth",
    webhookHttp(`oauth2: {${OAUTH2}}, basic_auth: {username: u}`),
    "at most one of basic_auth, oauth2 & authorization",
  ),
  refuses(
    "oauth2 beside a bearer token",
    webhookHttp(`oauth2: {${OAUTH2}}, bearer_token: t`),
    "at most one of basic_auth, oauth2, bearer_token & bearer_token_file",
  ),
  refuses(
    "oauth2's tls_config with a bad min_version",
    webhookHttp(`oauth2: {${OAUTH2}, tls_config: {min_version: TLS9}}`),
    "oauth2.tls_config.min_version: unknown TLS version: TLS9",
  ),
  accepts(
    "oauth2 through a socks5 proxy",
    webhookHttp(`oauth2: {${OAUTH2}, proxy_url: 'socks5://p:1080'}`),
  ),
  newer(
    "oauth2's proxy_from_environment",
    webhookHttp(`oauth2: {${OAUTH2}, proxy_from_environment: true}`),
    "0.26+ (a newer Prometheus HTTP client)",
  ),
  newer(
    "oauth2's proxy_connect_header",
    webhookHttp(`oauth2: {${OAUTH2}, proxy_url: 'http://p/', proxy_connect_header: {a: [b]}}`),
    "0.26+ (a newer Prometheus HTTP client)",
  ),
  refuses(
    "global http_config with two ways to authenticate",
    `global: {http_config: {basic_auth: {username: u}, bearer_token: t}}\n${minimal()}`,
    "global.http_config.bearer_token: at most one of",
  ),
];

const proxyAndTls: CheckCase[] = [
  accepts("a proxy_url of any scheme", webhookHttp("proxy_url: 'socks5://p:1080'")),
  accepts("a proxy_url without a scheme's slashes", webhookHttp("proxy_url: 'p:3128'")),
  accepts("an empty proxy_url", webhookHttp("proxy_url: ''")),
  refuses(
    "a proxy_url with a bad escape",
    webhookHttp("proxy_url: 'http://p/%zz'"),
    `${HTTP}.proxy_url: parse "http://p/%zz": invalid URL escape "%zz"`,
  ),
  refuses(
    "a proxy_url without a scheme before its colon",
    webhookHttp("proxy_url: ':3128'"),
    'parse ":3128": missing protocol scheme',
  ),
  accepts(
    "a proxy_connect_header with a proxy_url",
    webhookHttp("proxy_url: 'http://p/', proxy_connect_header: {X-A: [b, c]}"),
  ),
  refuses(
    "a proxy_connect_header without a proxy",
    webhookHttp("proxy_connect_header: {X-A: [b]}"),
    `${HTTP}.proxy_connect_header: if proxy_connect_header is configured`,
  ),
  newer(
    "no_proxy beside proxy_url",
    webhookHttp("proxy_url: 'http://p/', no_proxy: internal.example"),
    "0.26+ (a newer Prometheus HTTP client)",
  ),
  newer(
    "proxy_from_environment",
    webhookHttp("proxy_from_environment: true"),
    "0.26+ (a newer Prometheus HTTP client)",
  ),
  refuses(
    "http_headers (newer than 0.25, not sent by Outpost)",
    webhookHttp("http_headers: {a: {values: [b]}}"),
    "field http_headers not found in http_config",
  ),
  accepts(
    "follow_redirects and enable_http2 off",
    webhookHttp("follow_redirects: false, enable_http2: false"),
  ),
  ...["TLS10", "TLS11", "TLS12", "TLS13"].map((v) =>
    accepts(
      `a tls_config min_version ${v}`,
      webhookHttp(`tls_config: {min_version: ${v}, max_version: TLS13}`),
    ),
  ),
  ...["tls12", "'1.2'", "TLS14", "SSL30", "''", "12"].map((v) =>
    refuses(
      `a tls_config min_version ${v}`,
      webhookHttp(`tls_config: {min_version: ${v}}`),
      `${HTTP}.tls_config.min_version: unknown TLS version:`,
    ),
  ),
  refuses(
    "a tls_config max_version TLS9",
    webhookHttp("tls_config: {max_version: TLS9}"),
    "tls_config.max_version: unknown TLS version: TLS9",
  ),
  accepts(
    "a tls_config min_version above its max_version",
    webhookHttp("tls_config: {min_version: TLS13, max_version: TLS12}"),
  ),
  accepts(
    "a ca_file that does not exist (check-config reads no file)",
    webhookHttp("tls_config: {ca_file: /nonexistent/ca.pem}"),
  ),
  accepts(
    "a ca_file that is no certificate",
    webhookHttp(
      "tls_config: {ca_file: /etc/hostname, cert_file: /etc/hostname, key_file: /etc/hostname}",
    ),
  ),
  accepts("a cert_file without its key_file", webhookHttp("tls_config: {cert_file: /c.pem}")),
  refuses(
    "an inline ca (newer than 0.25, not read by Outpost)",
    webhookHttp("tls_config: {ca: x}"),
    "field ca not found in tls_config",
  ),
  refuses(
    "an inline cert and key (newer than 0.25)",
    webhookHttp("tls_config: {cert: x, key: y}"),
    "field cert not found in tls_config",
  ),
  refuses(
    "an insecure_skip_verify written as a string",
    webhookHttp("tls_config: {insecure_skip_verify: 'yes'}"),
    "insecure_skip_verify: cannot unmarshal !!str `yes` into bool",
  ),
];

const url = (u: string) => receiver("webhook_configs", `url: ${JSON.stringify(u)}`);

const urls: CheckCase[] = [
  accepts("a URL with an upper-case scheme", url("HTTPS://hook.example/")),
  accepts("a URL with only a port for host", url("http://:9093/")),
  accepts("a URL with <> in its host", url("http://a<b>/")),
  accepts("a URL with a space in its path", url("http://hook.example/a b")),
  accepts("a URL with a bad escape in its query", url("http://hook.example/?a=%zz")),
  refuses(
    "a URL with a bad escape in its path",
    url("http://hook.example/%zz"),
    'url: parse "http://hook.example/%zz": invalid URL escape "%zz"',
  ),
  refuses(
    "a URL with a bad escape in its fragment",
    url("http://hook.example/#%zz"),
    'invalid URL escape "%zz"',
  ),
  refuses(
    "a URL with a port that is no number",
    url("http://hook.example:ab/"),
    'invalid port ":ab" after host',
  ),
  refuses(
    "a URL with a space in its host",
    url("http://a b/"),
    'invalid character " " in host name',
  ),
  refuses(
    "a URL with an escaped ASCII host character",
    url("http://a%20b/"),
    'invalid URL escape "%20"',
  ),
  refuses("a URL with an unclosed IPv6 host", url("http://[::1/"), "missing ']' in host"),
  refuses(
    "a URL with a bad user info",
    url("http://u^p@hook.example/"),
    "net/url: invalid userinfo",
  ),
  refuses("a URL starting with a colon", url(":hook"), "missing protocol scheme"),
  refuses(
    "a URL whose first segment holds a colon",
    url("1a:b"),
    "first path segment in URL cannot contain colon",
  ),
  refuses(
    "a URL of another scheme",
    url("ftp://hook.example/"),
    'url: unsupported scheme "ftp" for URL',
  ),
  refuses("a URL without a host", url("http:///hook"), "url: missing host for URL"),
  refuses("an opaque URL", url("http:hook"), "url: missing host for URL"),
  refuses(
    "a global URL without a scheme",
    `global: {pagerduty_url: pd.example}\n${minimal()}`,
    'global.pagerduty_url: unsupported scheme ""',
  ),
];

/** Every http_config, tls_config and URL case. */
export const httpCases: readonly CheckCase[] = [...auth, ...proxyAndTls, ...urls];
