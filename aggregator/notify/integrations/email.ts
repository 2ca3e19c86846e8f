/**
 * E-mail (`email_configs`): the message Alertmanager 0.25 would hand to SMTP — envelope
 * sender and recipients, headers (`Subject`, `To`, `From` by default, each a template, names
 * canonicalised as Go's textproto does), a text part when `text` is set and an HTML part
 * rendered with HTML escaping (html/template) when `html` is set. smtp/send.ts sends it.
 */
import type { Section } from "../config/integrations.ts";
import type { BuildInput } from "./request.ts";
import { str } from "./request.ts";

/** An e-mail ready for SMTP. */
export interface EmailMessage {
  /** `host:port` of the SMTP server. */
  smarthost: string;
  /** Envelope sender (the address in `from`). */
  from: string;
  /** Envelope recipients (the addresses in `to`). */
  to: string[];
  /** Headers by canonical name. */
  headers: Record<string, string>;
  text?: string;
  html?: string;
}

/** Go's textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`. */
export function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (m) => m.toUpperCase());
}

/** The addresses of an RFC 5322 address list (`"A" <a@x>, b@y` → a@x, b@y). */
export function addresses(list: string): string[] {
  const out: string[] = [];
  for (const part of list.match(/(?:"[^"]*"|[^,])+/g) ?? []) {
    const angle = /<([^>]*)>/.exec(part);
    const address = (angle ? angle[1]! : part).trim();
    if (address) out.push(address);
  }
  return out;
}

/** The message Alertmanager builds for an `email_configs` entry; throws TemplateError. */
export async function emailMessage(config: Section, input: BuildInput): Promise<EmailMessage> {
  const render = input.render;
  const to = await render.text(str(config, "to"));
  const from = await render.text(str(config, "from"));
  const written: Record<string, string> = {};
  for (const [k, v] of Object.entries((config.headers as Record<string, string>) ?? {}))
    written[canonicalHeader(k)] = v;
  const headers: Record<string, string> = {
    Subject: written.Subject ?? '{{ template "email.default.subject" . }}',
    To: written.To ?? str(config, "to"),
    From: written.From ?? str(config, "from"),
    ...written,
  };
  for (const [k, v] of Object.entries(headers)) headers[k] = await render.text(v);
  const text = str(config, "text");
  const html = str(config, "html", '{{ template "email.default.html" . }}');
  return {
    smarthost: str(config, "smarthost"),
    from: addresses(from)[0] ?? from,
    to: addresses(to),
    headers,
    text: text ? await render.text(text) : undefined,
    html: html ? await render.html(html) : undefined,
  };
}
