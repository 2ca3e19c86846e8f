import type { z } from "zod";

/**
 * The check that makes a stage map name exactly one known stage, with messages that say what
 * to write instead of zod's generic ones.
 */
export function fieldsCheck(types: readonly string[]) {
  return (stage: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const known: string[] = [];
    for (const key of Object.keys(stage)) {
      if (types.includes(key)) known.push(key);
      else {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown stage "${key}"; the stages are ${types.join(", ")}`,
        });
      }
    }
    if (known.length > 1) {
      ctx.addIssue({
        code: "custom",
        message: `a stage is a map with one key, but this one has ${known.join(" and ")}: make each a list item of its own`,
      });
    } else if (Object.keys(stage).length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `a stage is a map with one key naming it: ${types.join(", ")}`,
      });
    }
  };
}
