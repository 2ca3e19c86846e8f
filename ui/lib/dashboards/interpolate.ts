/**
 * Template variables in query text, as Grafana's Prometheus data source interpolates them:
 * `$var`, `${var}`, `[[var]]`, `${var:format}`; multi-value and All as a regex alternation with
 * regex escaping; built-ins (`$__interval`, `$__rate_interval`, `$__range`, …) as raw text.
 */

/** What a variable stands for when a query is interpolated. */
export interface VarValue {
  /** Selected values; for All without `allValue`, every option's value. */
  values: string[];
  /** True when the variable may hold several values (multi or includeAll): regex-escaped then. */
  multi: boolean;
  /** The `allValue` when All is selected and the variable has one: inserted unescaped. */
  allValue?: string;
  /** Text inserted as it is (built-ins, interval values). */
  raw?: boolean;
}

/** Variables in scope, by name. */
export type Scope = Record<string, VarValue>;

// Grafana's own pattern: $name, [[name(:fmt)]], ${name(.field)(:fmt)}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/** Backslashes and quotes escaped for a PromQL string (a value in `=` context). */
export function promRegularEscape(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/'/g, "\\\\'");
}

/** Regex metacharacters escaped twice over: once for the regex, once for the PromQL string. */
export function promRegexEscape(value: string): string {
  return value.replace(/\\/g, "\\\\\\\\").replace(/[$^*{}[\]'+?.()|]/g, "\\\\$&");
}

/** Regex metacharacters escaped once (Grafana's `:regex` format). */
export function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/-]/g, "\\$&");
}

/** The default (Prometheus data source) rendering of a value. */
function promFormat(v: VarValue): string {
  if (v.allValue !== undefined) return v.allValue;
  if (v.raw) return v.values.join(",");
  if (!v.multi) return promRegularEscape(v.values[0] ?? "");
  const escaped = v.values.map(promRegexEscape);
  return escaped.length === 1 ? escaped[0] : `(${escaped.join("|")})`;
}

/** A value rendered in one of Grafana's named formats; undefined for an unknown format. */
function named(v: VarValue, format: string): string | undefined {
  const vs = v.allValue !== undefined ? [v.allValue] : v.values;
  switch (format) {
    case "raw":
      return vs.join(",");
    case "regex":
      if (v.allValue !== undefined) return v.allValue;
      return vs.length === 1 ? regexEscape(vs[0]) : `(${vs.map(regexEscape).join("|")})`;
    case "pipe":
      return vs.join("|");
    case "csv":
      return vs.join(",");
    case "json":
      return JSON.stringify(vs.length === 1 ? vs[0] : vs);
    case "doublequote":
      return vs.map((s) => `"${s.replace(/"/g, '\\"')}"`).join(",");
    case "singlequote":
      return vs.map((s) => `'${s.replace(/'/g, "\\'")}'`).join(",");
    case "glob":
      return vs.length === 1 ? vs[0] : `{${vs.join(",")}}`;
    case "text":
      return vs.join(" + ");
    case "queryparam":
      return vs.map((s) => `var-${encodeURIComponent(s)}`).join("&");
    default:
      return undefined;
  }
}

/**
 * `text` with every known variable replaced; unknown names stay as written (Grafana leaves
 * them too, so the server's error names them).
 */
export function interpolate(text: string, scope: Scope): string {
  return text.replace(VARIABLE, (whole, plain, bracket, bracketFmt, braced, _field, bracedFmt) => {
    const name = plain ?? bracket ?? braced;
    const v = scope[name];
    if (v === undefined) return whole;
    const format = bracketFmt ?? bracedFmt;
    if (format !== undefined) return named(v, format) ?? promFormat(v);
    return promFormat(v);
  });
}

/** Names of the variables `text` refers to. */
export function referencedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(VARIABLE)) out.add(m[1] ?? m[2] ?? m[4]);
  return out;
}
