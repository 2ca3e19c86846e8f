/** The URLs Alertmanager accepts in its config: absolute http(s) URLs with a host. */
import { parseGoUrl } from "./go_url.ts";

/** Throws Alertmanager's message when `text` is not an http or https URL with a host. */
export function checkUrl(text: string): void {
  const { scheme, host } = parseGoUrl(text);
  if (scheme !== "http" && scheme !== "https") {
    throw new TypeError(`unsupported scheme ${JSON.stringify(scheme)} for URL`);
  }
  if (host === "") throw new TypeError("missing host for URL");
}
