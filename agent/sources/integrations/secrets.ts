/**
 * Secrets of integrations: read from a file (its first line) or an environment variable
 * when a connection opens, never kept in the config object or written to a log.
 */
import { readFile } from "node:fs/promises";

/** Where a password comes from, as the config names it. */
export interface SecretSource {
  password_file?: string;
  password_env?: string;
}

/** A getter of the password, or undefined when none is configured. */
export function passwordGetter(s: SecretSource): (() => Promise<string | undefined>) | undefined {
  const { password_file: file, password_env: env } = s;
  if (file !== undefined)
    return async () => {
      try {
        return (await readFile(file, "utf8")).split("\n")[0].replace(/\r$/, "");
      } catch (err) {
        throw new Error(
          `Cannot read password_file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
        );
      }
    };
  if (env !== undefined)
    return async () => {
      const v = process.env[env];
      if (v === undefined) throw new Error(`Cannot read password_env ${env}: it is not set`);
      return v;
    };
  return undefined;
}
