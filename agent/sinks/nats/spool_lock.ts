import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Claims a spool directory for this process with a `LOCK` file holding its pid. Two agents
 * sharing one spool would publish each other's batches and delete each other's files. A lock
 * left by a process that no longer runs (kill -9, a crash) is taken over.
 */
export async function lockSpoolDir(dir: string): Promise<void> {
  const path = join(dir, "LOCK");
  const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
  if (owner > 0 && owner !== process.pid && isRunning(owner)) {
    throw new Error(
      `Cannot open spool ${dir}: process ${owner} is using it (another agent with the same spool.dir?); if it is not an agent, delete ${path}`,
    );
  }
  await writeFile(path, `${process.pid}\n`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
