/** Password sources shared by the `integrations` entries: a file or an environment variable. */
import { z } from "zod";
import { filePath } from "../../../shared/config/fields.ts";

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" });

/** Where a password comes from: a file or an environment variable, never the config itself. */
export const secretFields = {
  password_file: filePath()
    .optional()
    .describe("File holding the password (its first line). Relative to the config file."),
  password_env: envName.optional().describe("Environment variable holding the password."),
};

/** Refuses an entry naming both a password file and an environment variable. */
export function oneSecret(
  v: { password_file?: string; password_env?: string },
  ctx: z.RefinementCtx,
) {
  if (v.password_file !== undefined && v.password_env !== undefined)
    ctx.addIssue({ code: "custom", message: "set password_file or password_env, not both" });
}
