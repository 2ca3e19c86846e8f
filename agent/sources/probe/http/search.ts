import { compileRegex } from "../../../../shared/regex/regex.ts";

/**
 * blackbox_exporter matches `fail_if_*_regexp` patterns with Go's `regexp.Match`: RE2 syntax,
 * Go's default flags (`.` does not match `\n`, `^`/`$` are the ends of the text) and an
 * UNANCHORED search, so `ok` matches anywhere in the body. The shared translator compiles
 * Prometheus-style (anchored, `s` flag on); here the pattern is wrapped in `(?-s:…)` to restore
 * Go's default and the anchors the translator adds are cut off again.
 */

const cache = new Map<string, RegExp>();

/** Compiles an RE2 pattern for an unanchored search, as blackbox_exporter's body and header checks do. */
export function compileSearch(pattern: string): RegExp {
  let found = cache.get(pattern);
  if (found === undefined) {
    found = translate(pattern);
    cache.set(pattern, found);
  }
  return found;
}

function translate(pattern: string): RegExp {
  try {
    // Alone first, so that a stray `)` cannot close the wrapper below and pass.
    compileRegex(pattern);
    const { source } = compileRegex(`(?-s:${pattern})`).regexp;
    // The translator returns `^(?:<body>)$`.
    return new RegExp(source.slice(4, -2), "u");
  } catch (error) {
    const message = (error as Error).message;
    const prefix = `Cannot compile relabel regex "${pattern}": `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    throw new SyntaxError(`Cannot compile regexp ${JSON.stringify(pattern)}: ${reason}`);
  }
}
