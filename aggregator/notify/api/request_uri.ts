/**
 * Whether a text is what Alertmanager's API takes as a `uri` (an alert's `generatorURL`): its
 * swagger layer checks the format with Go's `url.ParseRequestURI`, so this answers what that
 * parse accepts, written from its rules (net/url): no control characters; a scheme (a letter,
 * then letters, digits, `+ - .`, then `:`) or a path starting with `/` (or `*` alone); after a
 * scheme, text not starting with `/` is opaque and not looked into; `//` after a scheme starts
 * an authority whose user info, host and port must be well formed; `%` escapes in the
 * authority and the path must be two hex digits; the query (after the first `?`) is not
 * checked, and there is no fragment: a `#` is part of the path, or a bad host character.
 */

const HEX = /^[0-9a-fA-F]{2}$/;
// Characters Go allows unescaped in a host, besides letters and digits.
const HOST_PUNCTUATION = new Set("-_.~!$&'()*+,;=:[]<>\"");
// Characters Go allows in user info, besides letters and digits.
const USERINFO_PUNCTUATION = new Set("-._:~!$&'()*+,;=%@");

// Tested a character at a time on every posted alert's generatorURL: by code, not by regex.
const isLetter = (c: string) => {
  const x = c.charCodeAt(0) | 0x20;
  return c.length === 1 && x >= 0x61 && x <= 0x7a;
};
const isDigit = (c: string) => c.length === 1 && c >= "0" && c <= "9";
const isAlnum = (c: string) => isLetter(c) || isDigit(c);

/** True when Go's `url.ParseRequestURI(text)` returns no error. */
export function isRequestUri(text: string): boolean {
  if (text === "") return false;
  if (/[\x00-\x1f\x7f]/.test(text)) return false;
  if (text === "*") return true;
  const split = splitScheme(text);
  if (split === null) return false;
  let rest = split.rest;
  const q = rest.indexOf("?");
  if (q !== -1) rest = rest.slice(0, q);
  if (!rest.startsWith("/")) return split.scheme !== "";
  if (split.scheme !== "" && rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    if (!validAuthority(authority)) return false;
    rest = slash === -1 ? "" : rest.slice(slash);
  }
  return validEscapes(rest);
}

/** The scheme and what follows its colon; `scheme` "" when there is none; null for `:…`. */
function splitScheme(text: string): { scheme: string; rest: string } | null {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (isLetter(c)) continue;
    if (isDigit(c) || c === "+" || c === "-" || c === ".") {
      if (i === 0) return { scheme: "", rest: text };
      continue;
    }
    if (c === ":") return i === 0 ? null : { scheme: text.slice(0, i), rest: text.slice(i + 1) };
    return { scheme: "", rest: text };
  }
  return { scheme: "", rest: text };
}

/** Every `%` followed by two hex digits. */
function validEscapes(s: string): boolean {
  for (let i = s.indexOf("%"); i !== -1; i = s.indexOf("%", i + 1)) {
    if (!HEX.test(s.slice(i + 1, i + 3))) return false;
  }
  return true;
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf("@");
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    for (const c of userinfo) if (!isAlnum(c) && !USERINFO_PUNCTUATION.has(c)) return false;
    if (!validEscapes(userinfo)) return false;
  }
  return validHost(authority.slice(at + 1));
}

function validHost(host: string): boolean {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close === -1 || !validPort(host.slice(close + 1))) return false;
    const zone = host.slice(0, close).indexOf("%25");
    if (zone !== -1) {
      return (
        validHostText(host.slice(0, zone), "host") &&
        validHostText(host.slice(zone, close), "zone") &&
        validHostText(host.slice(close), "host")
      );
    }
  } else {
    const colon = host.lastIndexOf(":");
    if (colon !== -1 && !validPort(host.slice(colon))) return false;
  }
  return validHostText(host, "host");
}

/** An empty port, or `:` and digits. */
function validPort(colonPort: string): boolean {
  return colonPort === "" || /^:[0-9]*$/.test(colonPort);
}

/**
 * Go's unescape of a host or an IPv6 zone: escapes well formed; in a host, no escaped byte
 * below 0x80 but `%25`; in a zone, no escaped byte a host would have to escape; and no ASCII
 * character a host would have to escape, unescaped.
 */
function validHostText(s: string, mode: "host" | "zone"): boolean {
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return false;
      const byte = Number.parseInt(hex, 16);
      if (mode === "host" && byte < 0x80 && hex !== "25") return false;
      if (mode === "zone" && hex !== "25" && byte !== 0x20 && mustEscapeInHost(byte)) return false;
      i += 3;
      continue;
    }
    if (c.charCodeAt(0) < 0x80 && mustEscapeInHost(c.charCodeAt(0))) return false;
    i++;
  }
  return true;
}

/** Go's `shouldEscape(byte, encodeHost)`: all but letters, digits and HOST_PUNCTUATION. */
function mustEscapeInHost(byte: number): boolean {
  const c = String.fromCharCode(byte);
  return !(isAlnum(c) || HOST_PUNCTUATION.has(c));
}
