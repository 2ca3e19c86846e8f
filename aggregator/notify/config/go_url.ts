/**
 * Go's `url.Parse` (net/url) as Alertmanager reads the URLs of its config: which texts it
 * refuses, in its words (`parse "…": invalid URL escape "%zz"`), and the scheme and host it
 * finds. Written from net/url's rules and held to amtool 0.25 by
 * test/integration/alertmanager_check.test.ts.
 */

/** What a parse finds: the scheme (lower case) and the host with its port, "" when none. */
export interface GoUrl {
  readonly scheme: string;
  readonly host: string;
}

const HEX = /^[0-9a-fA-F]{2}$/;
// Characters a host may hold unescaped besides letters and digits (Go's shouldEscape).
const HOST_PUNCTUATION = new Set("-_.~!$&'()*+,;=:[]<>\"");
// Characters user info may hold besides letters and digits.
const USERINFO_PUNCTUATION = new Set("-._:~!$&'()*+,;=%@");
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);

type Mode = "path" | "host" | "zone" | "userinfo" | "fragment";

/** Parses `raw` as Go's url.Parse does; throws a TypeError with Go's message when it refuses. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf("#");
  const beforeFragment = hash === -1 ? raw : raw.slice(0, hash);
  const parsed = parseReference(beforeFragment);
  if (typeof parsed === "string") throw refused(beforeFragment, parsed);
  const fragment = hash === -1 ? undefined : escapeProblem(raw.slice(hash + 1), "fragment");
  if (fragment !== undefined) throw refused(raw, fragment);
  return parsed;
}

function refused(text: string, why: string): TypeError {
  return new TypeError(`parse ${JSON.stringify(text)}: ${why}`);
}

/** The URL before its `#`, or why Go refuses it. */
function parseReference(raw: string): GoUrl | string {
  if (/[\x00-\x1f\x7f]/.test(raw)) return "net/url: invalid control character in URL";
  if (raw === "*") return { scheme: "", host: "" };
  const split = splitScheme(raw);
  if (split === null) return "missing protocol scheme";
  const scheme = split.scheme.toLowerCase();
  let rest = split.rest;
  const query = rest.indexOf("?");
  if (query !== -1) rest = rest.slice(0, query);
  if (!rest.startsWith("/")) {
    // After a scheme the rest is opaque and not looked into (`mailto:x`).
    if (scheme !== "") return { scheme, host: "" };
    if (rest.split("/")[0]!.includes(":")) return "first path segment in URL cannot contain colon";
  }
  let host = "";
  if ((scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash === -1 ? "" : rest.slice(slash);
    const problem = authorityProblem(authority);
    if (problem !== undefined) return problem;
    host = authority.slice(authority.lastIndexOf("@") + 1);
  }
  return escapeProblem(rest, "path") ?? { scheme, host };
}

/** The scheme and what follows its colon (scheme "" when there is none); null for `:…`. */
function splitScheme(text: string): { scheme: string; rest: string } | null {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") return i === 0 ? null : { scheme: text.slice(0, i), rest: text.slice(i + 1) };
    break;
  }
  return { scheme: "", rest: text };
}

function authorityProblem(authority: string): string | undefined {
  const at = authority.lastIndexOf("@");
  const problem = hostProblem(authority.slice(at + 1));
  if (problem !== undefined || at === -1) return problem;
  const userinfo = authority.slice(0, at);
  for (const c of userinfo) {
    if (!isAlnum(c) && !USERINFO_PUNCTUATION.has(c)) return "net/url: invalid userinfo";
  }
  return escapeProblem(userinfo, "userinfo");
}

function hostProblem(host: string): string | undefined {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close === -1) return "missing ']' in host";
    const port = host.slice(close + 1);
    if (!/^(:[0-9]*)?$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
    const zone = host.slice(0, close).indexOf("%25");
    if (zone !== -1) {
      return (
        escapeProblem(host.slice(0, zone), "host") ??
        escapeProblem(host.slice(zone, close), "zone") ??
        escapeProblem(host.slice(close), "host")
      );
    }
  } else {
    const colon = host.lastIndexOf(":");
    const port = colon === -1 ? "" : host.slice(colon);
    if (!/^(:[0-9]*)?$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
  }
  return escapeProblem(host, "host");
}

/**
 * Go's unescape: every `%` followed by two hex digits; in a host no escaped ASCII byte but
 * `%25`, and no ASCII character a host must escape; in a zone no escaped byte a host must escape.
 */
function escapeProblem(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      const escaped = s.slice(i, i + 3);
      if (!HEX.test(s.slice(i + 1, i + 3))) return `invalid URL escape ${JSON.stringify(escaped)}`;
      const byte = Number.parseInt(escaped.slice(1), 16);
      const allowed =
        mode === "host"
          ? byte >= 0x80 || escaped === "%25"
          : mode !== "zone" ||
            escaped === "%25" ||
            byte === 0x20 ||
            !mustEscapeInHost(String.fromCharCode(byte));
      if (!allowed) return `invalid URL escape ${JSON.stringify(escaped)}`;
      i += 2;
    } else if ((mode === "host" || mode === "zone") && c < "\x80" && mustEscapeInHost(c)) {
      return `invalid character ${JSON.stringify(c)} in host name`;
    }
  }
  return undefined;
}

function mustEscapeInHost(c: string): boolean {
  return !(isAlnum(c) || HOST_PUNCTUATION.has(c));
}
