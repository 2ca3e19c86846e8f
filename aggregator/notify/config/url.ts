/** The URLs Alertmanager accepts in its config: absolute http(s) URLs with a host. */

/** Throws Alertmanager's message when `text` is not an http or https URL with a host. */
export function checkUrl(text: string): void {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1] ?? "";
  if (scheme.toLowerCase() !== "http" && scheme.toLowerCase() !== "https") {
    throw new TypeError(`unsupported scheme ${JSON.stringify(scheme)} for URL`);
  }
  let host = "";
  try {
    host = new URL(text).host;
  } catch {
    // `http://` alone does not parse here; Go reads it as a URL without a host.
  }
  if (host === "" || !text.slice(scheme.length + 1).startsWith("//")) {
    throw new TypeError("missing host for URL");
  }
}
