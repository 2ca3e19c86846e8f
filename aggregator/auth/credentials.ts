/**
 * The credentials a request carries: `Authorization: Bearer <token>`, `Authorization: Basic`
 * (a token as the password with any user name, as Grafana, promtool and amtool send it, or as
 * the user name with no password; or a user's own password), or the session cookie.
 */
import { TOKEN_PREFIX } from "./secrets.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "outpost_session";
/** The cookie that carries the CSRF token to the page's scripts (not HTTP-only). */
export const CSRF_COOKIE = "outpost_csrf";
/** The header state-changing calls made with the session cookie must send. */
export const CSRF_HEADER = "X-CSRF-Token";

/** What a request presented. */
export type Credentials =
  | { kind: "token"; secret: string }
  | { kind: "password"; user: string; password: string }
  | { kind: "session"; id: string }
  | { kind: "none" }
  | { kind: "malformed"; reason: string };

/** Reads a request's credentials; the Authorization header wins over the cookie. */
export function credentialsOf(headers: Headers): Credentials {
  const auth = headers.get("authorization");
  if (auth !== null) return fromAuthorization(auth);
  const id = cookie(headers.get("cookie"), SESSION_COOKIE);
  return id ? { kind: "session", id } : { kind: "none" };
}

function fromAuthorization(value: string): Credentials {
  const space = value.indexOf(" ");
  const scheme = value.slice(0, space).toLowerCase();
  const rest = value.slice(space + 1).trim();
  if (space > 0 && scheme === "bearer" && rest !== "") return { kind: "token", secret: rest };
  if (space > 0 && scheme === "basic") {
    let decoded: string;
    try {
      decoded = Buffer.from(rest, "base64").toString("utf8");
    } catch {
      return { kind: "malformed", reason: "Basic credentials are not base64" };
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return { kind: "malformed", reason: "Basic credentials have no ':'" };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (password.startsWith(TOKEN_PREFIX)) return { kind: "token", secret: password };
    // A token as the user name with no password, as `curl -u TOKEN:` and a URL's
    // `http://TOKEN@host/` send it: a token, never a user name to log as a failed login.
    if (password === "" && user.startsWith(TOKEN_PREFIX)) return { kind: "token", secret: user };
    return { kind: "password", user, password };
  }
  return { kind: "malformed", reason: "expected the Bearer or Basic scheme" };
}

/** One cookie's value from a Cookie header. */
export function cookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
