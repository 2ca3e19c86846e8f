/**
 * Where a running nginx writes its logs, from its config files: `nginx -T` would say it
 * exactly but needs root and forks a process each minute, so the agent reads `nginx.conf`
 * and its includes itself, with caps on files, size and depth so a strange config costs little.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";

/** Debian's compiled-in defaults (`nginx -V`: --prefix, --conf-path, --http-log-path, --error-log-path). */
const DEFAULTS = {
  prefix: "/usr/share/nginx",
  conf: "/etc/nginx/nginx.conf",
  access: "/var/log/nginx/access.log",
  error: "/var/log/nginx/error.log",
};

const MAX_FILES = 64;
const MAX_BYTES = 1 << 20;
const MAX_DEPTH = 8;

/** The log files one nginx writes, and whether its access log format records `$request_time`. */
export interface NginxLogs {
  access: string[];
  error: string[];
}

/** The `-p` prefix and `-c` config file from an nginx master's command line, else Debian's. */
export function nginxPaths(cmdline: string): { prefix: string; conf: string } {
  const args = cmdline.split(/\s+/);
  const arg = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
  };
  const prefix = arg("-p") ?? DEFAULTS.prefix;
  const c = arg("-c");
  return { prefix, conf: c === undefined ? DEFAULTS.conf : resolveIn(prefix, c) };
}

/**
 * The access and error logs the config at `conf` names (directives `access_log` and
 * `error_log` anywhere, `include` followed), else nginx's defaults. Destinations that are not
 * plain files (`off`, `syslog:`, `stderr`, paths with variables) are left out. Never throws:
 * an unreadable file counts as empty.
 */
export async function nginxLogs(conf: string, prefix: string): Promise<NginxLogs> {
  const found: NginxLogs = { access: [], error: [] };
  const seen = new Set<string>();
  await readConf(conf, dirname(conf), prefix, found, seen, 0);
  return {
    access: found.access.length > 0 ? unique(found.access) : [DEFAULTS.access],
    error: found.error.length > 0 ? unique(found.error) : [DEFAULTS.error],
  };
}

async function readConf(
  file: string,
  confDir: string,
  prefix: string,
  found: NginxLogs,
  seen: Set<string>,
  depth: number,
): Promise<void> {
  if (depth > MAX_DEPTH || seen.size >= MAX_FILES || seen.has(file)) return;
  seen.add(file);
  let text: string;
  try {
    text = (await readFile(file, "utf8")).slice(0, MAX_BYTES);
  } catch {
    return;
  }
  for (const args of directives(text)) {
    const [name, value] = args;
    if (value === undefined) continue;
    if (name === "include") {
      for (const inc of await expand(resolveIn(confDir, value)))
        await readConf(inc, confDir, prefix, found, seen, depth + 1);
    } else if (name === "access_log" || name === "error_log") {
      if (!isFile(value)) continue;
      (name === "access_log" ? found.access : found.error).push(resolveIn(prefix, value));
    }
  }
}

/** The config's simple directives as argument lists; blocks' braces just separate them. */
export function directives(text: string): string[][] {
  const out: string[][] = [];
  let args: string[] = [];
  const token = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|#[^\n]*|([;{}])|([^\s;{}"'#]+)/g;
  for (const m of text.matchAll(token)) {
    if (m[0].startsWith("#")) continue;
    if (m[3] !== undefined) {
      if (m[3] === ";" && args.length > 0) out.push(args);
      args = [];
    } else args.push(m[1] ?? m[2] ?? m[4]);
  }
  return out;
}

/** An include's files: a glob is expanded (sorted, as nginx and Apache do), a plain path kept. */
export async function expand(pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const files: string[] = [];
  try {
    for await (const f of new Bun.Glob(pattern).scan({ absolute: true, onlyFiles: true }))
      files.push(f);
  } catch {
    return [];
  }
  return files.sort().slice(0, MAX_FILES);
}

function isFile(dest: string): boolean {
  return !(
    dest === "off" ||
    dest === "stderr" ||
    /^(syslog|memory):/.test(dest) ||
    dest.includes("$")
  );
}

/** `path` against `dir` unless absolute. */
export function resolveIn(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
