/** The journalctl command lines the journal source runs. */
import type { JournalConfig } from "./config.ts";

/** The environment journalctl runs with: no colours in its output. */
export const JOURNALCTL_ENV = { ...process.env, SYSTEMD_COLORS: "0" };

/** The journal to read: the system's, a namespace's or a folder's. */
function journalArgs(c: JournalConfig): string[] {
  const args: string[] = [];
  if (c.namespace) args.push(`--namespace=${c.namespace}`);
  if (c.directory) args.push(`--directory=${c.directory}`);
  return args;
}

/** `journalctl --follow` after cursor `after`, or from `start_at` when there is none. */
export function followArgs(c: JournalConfig, after: string | null): string[] {
  const args = [c.journalctl, "--output=json", "--follow", "--all", "--no-pager"];
  args.push(...journalArgs(c));
  if (after) args.push(`--after-cursor=${after}`);
  else args.push(c.start_at === "end" ? "--lines=0" : "--lines=all");
  return args;
}

/** The cursor of the journal's newest entry, or null when it has none (or cannot be read). */
export async function tailCursor(c: JournalConfig): Promise<string | null> {
  const args = [c.journalctl, "--output=json", "--all", "--no-pager", "--lines=1"];
  const proc = Bun.spawn([...args, ...journalArgs(c)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "ignore",
    env: JOURNALCTL_ENV,
  });
  const text = await new Response(proc.stdout as ReadableStream).text();
  if ((await proc.exited) !== 0) return null;
  const line = text.trim().split("\n").pop();
  if (!line) return null;
  const cursor = (JSON.parse(line) as { __CURSOR?: unknown }).__CURSOR;
  return typeof cursor === "string" && cursor.length <= 4096 ? cursor : null;
}
