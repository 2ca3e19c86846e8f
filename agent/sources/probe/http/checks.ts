import type { Logger } from "../../../../shared/log/log.ts";
import type { HttpProbeConfig } from "./config.ts";
import type { ResponseHead } from "./response.ts";
import { compileSearch } from "./search.ts";

/**
 * The judgements blackbox_exporter passes on a response. Each returns whether the probe may
 * still succeed and logs why not, in blackbox_exporter's words where it has them.
 */

/** valid_status_codes, or any 2xx when it is empty. */
export function statusValid(config: HttpProbeConfig, status: number, log: Logger): boolean {
  const valid = config.valid_status_codes;
  const ok = valid.length > 0 ? valid.includes(status) : status >= 200 && status < 300;
  if (!ok) {
    log.debug("Invalid HTTP response status code", {
      status_code: status,
      valid_status_codes: valid.length > 0 ? `[${valid.join(" ")}]` : "2xx",
    });
  }
  return ok;
}

/** fail_if_header_matches and fail_if_header_not_matches. */
export function headersValid(config: HttpProbeConfig, head: ResponseHead, log: Logger): boolean {
  for (const spec of config.fail_if_header_matches) {
    const values = head.headers.get(spec.header.toLowerCase()) ?? [];
    if (values.length === 0) {
      if (spec.allow_missing) continue;
      log.debug("Missing required header", { header: spec.header });
      return false;
    }
    const re = compileSearch(spec.regexp);
    if (values.some((v) => re.test(v))) {
      log.debug("Header matched regular expression", { header: spec.header, regexp: spec.regexp });
      return false;
    }
  }
  for (const spec of config.fail_if_header_not_matches) {
    const values = head.headers.get(spec.header.toLowerCase()) ?? [];
    if (values.length === 0) {
      if (spec.allow_missing) continue;
      log.debug("Missing required header", { header: spec.header });
      return false;
    }
    const re = compileSearch(spec.regexp);
    if (!values.some((v) => re.test(v))) {
      log.debug("Header did not match regular expression", {
        header: spec.header,
        regexp: spec.regexp,
      });
      return false;
    }
  }
  return true;
}

/** Whether the module has body regexps, which need the body's text. */
export function hasBodyChecks(config: HttpProbeConfig): boolean {
  return (
    config.fail_if_body_matches_regexp.length > 0 ||
    config.fail_if_body_not_matches_regexp.length > 0
  );
}

/** fail_if_body_matches_regexp and fail_if_body_not_matches_regexp. */
export function bodyValid(config: HttpProbeConfig, body: string, log: Logger): boolean {
  for (const pattern of config.fail_if_body_matches_regexp) {
    if (compileSearch(pattern).test(body)) {
      log.debug("Body matched regular expression", { regexp: pattern });
      return false;
    }
  }
  for (const pattern of config.fail_if_body_not_matches_regexp) {
    if (!compileSearch(pattern).test(body)) {
      log.debug("Body did not match regular expression", { regexp: pattern });
      return false;
    }
  }
  return true;
}

/** valid_http_versions, compared with the status line's protocol (`HTTP/1.1`). */
export function versionValid(config: HttpProbeConfig, proto: string, log: Logger): boolean {
  const valid = config.valid_http_versions;
  if (valid.length === 0 || valid.includes(proto)) return true;
  log.debug("Invalid HTTP version number", { version: proto });
  return false;
}

/** fail_if_ssl and fail_if_not_ssl, on the connection of the final response. */
export function sslValid(config: HttpProbeConfig, overTls: boolean, log: Logger): boolean {
  if (overTls && config.fail_if_ssl) {
    log.debug("Final request was over SSL");
    return false;
  }
  if (!overTls && config.fail_if_not_ssl) {
    log.debug("Final request was not over SSL");
    return false;
  }
  return true;
}
