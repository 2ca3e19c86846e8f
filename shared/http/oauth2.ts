/**
 * OAuth 2.0's client credentials grant (RFC 6749, 4.4), as Prometheus's HTTP client asks for
 * tokens (golang.org/x/oauth2/clientcredentials): a form POST to `token_url` with
 * `grant_type=client_credentials`, the scopes and `endpoint_params`; the client's id and secret
 * in a Basic header first and, if the endpoint refuses that, in the form (what works is kept).
 * A token is reused until 10 s before it expires; a secret file is read at each request for a
 * header, and a changed secret drops the token held.
 */
import { readFileSync } from "node:fs";
import type { OAuth2Config } from "../config/http.ts";
import { untilAborted } from "../runtime/signal.ts";
import { OUTPOST_VERSION } from "../runtime/version.ts";
import { bunProxy } from "./proxy.ts";
import { type TlsOptions, tlsOptions } from "./tls.ts";

/** x/oauth2's expiry delta: a token this close to its end is renewed. */
const EXPIRY_MARGIN_MS = 10_000;
/** A token answer larger than this is refused (x/oauth2 reads 1 MiB at most). */
const MAX_ANSWER_BYTES = 1 << 20;
/**
 * How long one token request may take. It is shared by every caller that needs the token at
 * that moment, so it runs on its own clock; each caller still gives up at its own deadline.
 */
const ASK_TIMEOUT_MS = 30_000;

interface Token {
  /** `Bearer`, as the header writes it. */
  type: string;
  value: string;
  /** Epoch ms; Infinity for a token without `expires_in`. */
  expiresAt: number;
}

/** Tokens of one client configuration, shared by the targets of a job. */
export class OAuth2Tokens {
  private token: Token | null = null;
  private secret: string | null = null;
  /** Whether the endpoint takes the credentials in the form; null until one way worked. */
  private inForm: boolean | null = null;
  private asking: Promise<Token> | null = null;
  private readonly tls: TlsOptions;

  constructor(
    private readonly config: OAuth2Config,
    private readonly now: () => number = Date.now,
  ) {
    this.tls = tlsOptions(config.tls_config);
  }

  /** The `Authorization` header's value: the token held, or a new one asked for within `signal`. */
  async authorization(signal: AbortSignal): Promise<string> {
    const secret = this.readSecret();
    if (secret !== this.secret) {
      this.secret = secret;
      this.token = null;
    }
    const held = this.token;
    if (held !== null && held.expiresAt - EXPIRY_MARGIN_MS > this.now())
      return `${held.type} ${held.value}`;
    this.asking ??= this.ask(secret, AbortSignal.timeout(ASK_TIMEOUT_MS)).finally(() => {
      this.asking = null;
    });
    const token = await untilAborted(this.asking, signal);
    if (this.secret === secret) this.token = token;
    return `${token.type} ${token.value}`;
  }

  private readSecret(): string {
    const file = this.config.client_secret_file;
    return file ? readFileSync(file, "utf8").trim() : (this.config.client_secret ?? "");
  }

  /** Asks the endpoint, the way that worked before, else the header then the form. */
  private async ask(secret: string, signal: AbortSignal): Promise<Token> {
    if (this.inForm !== null) return this.post(secret, this.inForm, signal);
    try {
      const token = await this.post(secret, false, signal);
      this.inForm = false;
      return token;
    } catch (err) {
      if (!(err instanceof RefusedError)) throw err;
      const token = await this.post(secret, true, signal);
      this.inForm = true;
      return token;
    }
  }

  private async post(secret: string, inForm: boolean, signal: AbortSignal): Promise<Token> {
    const { client_id, scopes, endpoint_params, token_url } = this.config;
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (scopes.length > 0) form.set("scope", scopes.join(" "));
    for (const [name, value] of Object.entries(endpoint_params)) {
      // As x/oauth2: grant_type may be replaced (for endpoints that want another), scope not.
      if (form.has(name) && name !== "grant_type")
        throw new Error(`oauth2: cannot overwrite parameter "${name}"`);
      form.set(name, value);
    }
    const headers: Record<string, string> = {
      "Content-Type": "application/x-www-form-urlencoded",
      "User-Agent": `Outpost/${OUTPOST_VERSION}`,
    };
    if (inForm) {
      form.set("client_id", client_id);
      if (secret !== "") form.set("client_secret", secret);
    } else {
      const pair = `${goQueryEscape(client_id)}:${goQueryEscape(secret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    }
    // Sorted by name, as Go's url.Values encodes it: the same bytes Prometheus sends.
    form.sort();
    let res: Response;
    try {
      res = await fetch(token_url, {
        method: "POST",
        headers,
        body: form.toString(),
        signal,
        // Go's client follows the endpoint's redirects (307/308 keep the POST and its body).
        redirect: "follow",
        // Bun-specific: TLS options and the proxy of this request (none unless configured).
        tls: this.tls,
        proxy: bunProxy(new URL(token_url), this.config),
      } as RequestInit);
    } catch (err) {
      throw new Error(`oauth2: cannot fetch token: ${(err as Error).message}`);
    }
    const text = await boundedText(res);
    const fields = answerFields(text, res.headers.get("content-type"));
    if (res.status < 200 || res.status > 299) {
      const code = [fields.error, fields.error_description].filter(Boolean).join(": ");
      const reason = `${res.status} ${res.statusText}${code ? ` (${code})` : ""}`;
      throw new RefusedError(`oauth2: cannot fetch token: ${reason}`);
    }
    if (!fields.access_token) throw new Error("oauth2: server response missing access_token");
    const seconds = Number(fields.expires_in);
    return {
      type: tokenType(fields.token_type ?? ""),
      value: fields.access_token,
      expiresAt: seconds > 0 ? this.now() + seconds * 1000 : Number.POSITIVE_INFINITY,
    };
  }
}

/** The endpoint answered with an error status: the other way of sending credentials may work. */
class RefusedError extends Error {}

/** One `OAuth2Tokens` per client configuration object (a job's), kept while the job is. */
const byConfig = new WeakMap<OAuth2Config, OAuth2Tokens>();

/** The tokens of `config`, shared by everything that holds the same configuration object. */
export function tokensFor(config: OAuth2Config): OAuth2Tokens {
  let tokens = byConfig.get(config);
  if (tokens === undefined) {
    tokens = new OAuth2Tokens(config);
    byConfig.set(config, tokens);
  }
  return tokens;
}

/** The answer's text, read up to {@link MAX_ANSWER_BYTES} and refused past it, unread. */
async function boundedText(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(`oauth2: cannot fetch token: the answer is over ${MAX_ANSWER_BYTES} bytes`);
    }
    parts.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(parts));
}

/** A token answer's fields: JSON, or a form as some endpoints (GitHub's) answer. */
function answerFields(text: string, contentType: string | null): Record<string, string> {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded" || type === "text/plain")
    return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object") return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed))
      if (typeof v === "string" || typeof v === "number") out[k] = String(v);
    return out;
  } catch {
    return {};
  }
}

/** The header's scheme for a `token_type`, as x/oauth2's Token.Type() writes it. */
function tokenType(type: string): string {
  const known: Record<string, string> = { bearer: "Bearer", mac: "MAC", basic: "Basic" };
  if (type === "") return "Bearer";
  return known[type.toLowerCase()] ?? type;
}

/** Go's url.QueryEscape: only letters, digits and `-_.~` kept, a space as `+`. */
function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}
