/**
 * What every builder returns: the HTTP request Alertmanager would send, and how its bodies are
 * written (Go's encoding/json: `<`, `>`, `&`, U+2028 and U+2029 escaped, a newline at the end).
 */
import { createHash } from "node:crypto";
import type { Section } from "../config/integrations.ts";
import type { Renderer } from "./templates.ts";

/** One HTTP request of a notification. */
export interface NotifyRequest {
  url: string;
  method: "POST" | "PUT";
  headers: Record<string, string>;
  body: string;
}

/** What a builder is given besides the integration's config. */
export interface BuildInput {
  /** Renders config fields on the notification's data. */
  readonly render: Renderer;
  /** The aggregation group's key (`{}:{alertname="X"}`), for dedup keys and aliases. */
  readonly groupKey: string;
}

/** A builder: the requests for one notification through one integration's config. */
export type Builder = (config: Section, input: BuildInput) => Promise<NotifyRequest[]>;

/** Alertmanager's User-Agent on the integrations' requests (Telegram's client sends Go's). */
export const USER_AGENT = "Alertmanager/0.25.0";

/** A JSON body as Go's json.Encoder writes it. */
export function goJson(value: unknown): string {
  const text = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `${text}\n`;
}

/** A JSON POST request. */
export function postJson(
  url: string,
  value: unknown,
  headers: Record<string, string> = {},
): NotifyRequest {
  return {
    url,
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT, ...headers },
    body: goJson(value),
  };
}

/** Alertmanager's `notify.hashKey`: the SHA-256 of the group key, in hex. */
export function hashKey(groupKey: string): string {
  return createHash("sha256").update(groupKey).digest("hex");
}

/**
 * Cuts `s` to `n` characters (code points), the last one replaced by "…" when it is cut
 * (Alertmanager's `notify.Truncate`); returns the text and whether it was cut.
 */
export function truncate(s: string, n: number): [string, boolean] {
  const runes = [...s];
  if (runes.length <= n) return [s, false];
  if (n <= 3) return [runes.slice(0, n).join(""), true];
  return [`${runes.slice(0, n - 1).join("")}…`, true];
}

/** The config field `key` as a string, or `fallback` when it is not set. */
export function str(config: Section, key: string, fallback = ""): string {
  const v = config[key];
  return typeof v === "string" ? v : fallback;
}

/** A map with its keys in Go's order (encoding/json writes a map's keys sorted). */
export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
