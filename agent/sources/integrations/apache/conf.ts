/**
 * Where a running Apache writes its logs, and in which format, from its config files: the
 * agent reads `apache2.conf` and its includes itself (as for nginx: no `apache2ctl -S`, which
 * needs root and forks), with caps on files, size and depth.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { expand, resolveIn } from "../nginx/conf.ts";

/** Debian's layout: ServerRoot, its config, and what /etc/apache2/envvars exports. */
const DEBIAN = {
  root: "/etc/apache2",
  conf: "apache2.conf",
  vars: { APACHE_LOG_DIR: "/var/log/apache2", APACHE_RUN_DIR: "/var/run/apache2" },
};

/** Apache's built-in nicknames Debian's config defines too, for a CustomLog naming one it does not. */
const BUILT_IN_FORMATS: Record<string, string> = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
};

const MAX_FILES = 64;
const MAX_BYTES = 1 << 20;
const MAX_DEPTH = 8;

/** One access log and the format it is written in. */
export interface AccessLog {
  path: string;
  format: string;
}

/** The logs one Apache writes, and where its config serves mod_status. */
export interface ApacheLogs {
  access: AccessLog[];
  error: string[];
  /** `<Location>` paths whose handler is `server-status`, in config order. */
  statusPaths: string[];
}

/** ServerRoot (`-d`) and config file (`-f`) from an Apache's command line, else Debian's. */
export function apachePaths(cmdline: string): { root: string; conf: string } {
  const args = cmdline.split(/\s+/);
  const arg = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
  };
  const root = arg("-d") ?? DEBIAN.root;
  return { root, conf: resolveIn(root, arg("-f") ?? DEBIAN.conf) };
}

/**
 * The access logs (with their formats) and error logs the config at `conf` names, following
 * Include and IncludeOptional; piped and syslog destinations, and paths with variables it
 * cannot resolve, are left out. Never throws: an unreadable file counts as empty.
 */
export async function apacheLogs(conf: string, root: string): Promise<ApacheLogs> {
  const state: State = {
    root,
    vars: { ...DEBIAN.vars, ...(await envvars(join(dirname(conf), "envvars"))) },
    formats: { ...BUILT_IN_FORMATS },
    custom: [],
    error: [],
    statusPaths: [],
    location: null,
    seen: new Set(),
  };
  await readConf(conf, state, 0);
  const access = state.custom.map(({ path, format }) => ({
    path,
    format: state.formats[format] ?? format,
  }));
  return {
    access: dedupe(access),
    error: [...new Set(state.error)],
    statusPaths: [...new Set(state.statusPaths)],
  };
}

interface State {
  root: string;
  vars: Record<string, string>;
  formats: Record<string, string>;
  custom: { path: string; format: string }[];
  error: string[];
  statusPaths: string[];
  /** The path of the `<Location>` block being read, null outside one. */
  location: string | null;
  seen: Set<string>;
}

async function readConf(file: string, st: State, depth: number): Promise<void> {
  if (depth > MAX_DEPTH || st.seen.size >= MAX_FILES || st.seen.has(file)) return;
  st.seen.add(file);
  let text: string;
  try {
    text = (await readFile(file, "utf8")).slice(0, MAX_BYTES);
  } catch {
    return;
  }
  for (const [name, ...args] of directives(text)) {
    // `</Location>` is the one directive read without an argument.
    const bare = name.toLowerCase() === "</location>" ? "" : undefined;
    const value = args[0] === undefined ? bare : substitute(args[0], st.vars);
    if (value === undefined) continue;
    switch (name.toLowerCase()) {
      case "<location":
        st.location = value.replace(/>$/, "");
        break;
      case "</location>":
        st.location = null;
        break;
      case "sethandler":
        if (value.toLowerCase() === "server-status" && st.location?.startsWith("/"))
          st.statusPaths.push(st.location);
        break;
      case "serverroot":
        st.root = value;
        break;
      case "include":
      case "includeoptional":
        for (const inc of await expand(resolveIn(st.root, value)))
          await readConf(inc, st, depth + 1);
        break;
      case "logformat":
        // `LogFormat "<format>" nickname`; one without a nickname sets TransferLog's: skipped.
        if (args[1] !== undefined) st.formats[args[1]] = args[0];
        break;
      case "customlog":
        if (isFile(value))
          st.custom.push({ path: resolveIn(st.root, value), format: args[1] ?? "common" });
        break;
      case "transferlog":
        if (isFile(value)) st.custom.push({ path: resolveIn(st.root, value), format: "common" });
        break;
      case "errorlog":
        if (isFile(value)) st.error.push(resolveIn(st.root, value));
        break;
    }
  }
}

/** The config's directives as argument lists (quotes removed, `\` continuations joined). */
export function directives(text: string): string[][] {
  const out: string[][] = [];
  const token = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const raw of text.replace(/\\\r?\n/g, " ").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    out.push([...line.matchAll(token)].map((m) => m[1]?.replace(/\\"/g, '"') ?? m[2]));
  }
  return out;
}

/** `${VAR}` replaced from `vars`; undefined when one is unknown. */
function substitute(value: string, vars: Record<string, string>): string | undefined {
  let unknown = false;
  const out = value.replace(/\$\{(\w+)\}/g, (_, v: string) => {
    if (vars[v] === undefined) unknown = true;
    return vars[v] ?? "";
  });
  return unknown ? undefined : out;
}

/** `export NAME=value` lines of Debian's envvars, `$SUFFIX` (empty for the default instance) dropped. */
async function envvars(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = (await readFile(file, "utf8")).slice(0, MAX_BYTES);
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^export (\w+)=([^\s$]+)(\$SUFFIX)?\s*$/gm)) out[m[1]] = m[2];
  return out;
}

function isFile(dest: string): boolean {
  return !(dest.startsWith("|") || dest.startsWith("syslog") || dest === "/dev/stderr");
}

function dedupe(logs: AccessLog[]): AccessLog[] {
  const seen = new Set<string>();
  return logs.filter((l) => !seen.has(l.path) && seen.add(l.path) !== undefined);
}
