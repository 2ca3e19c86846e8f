/** Argument handling shared by the commands that take one expression (`query`, `logs`). */

/**
 * Parses `argv` with `parse` and expects one positional argument: returns the options and it,
 * or the exit code after printing `usage` (0 for `--help`, 2 for a mistake).
 */
export function oneExpression<V extends { help?: boolean | undefined }>(
  argv: string[],
  parse: (argv: string[]) => { values: V; positionals: string[] },
  usage: string,
): { values: V; expression: string } | number {
  let parsed: { values: V; positionals: string[] };
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help || parsed.positionals.length !== 1) {
    console.error(usage);
    return parsed.values.help ? 0 : 2;
  }
  return { values: parsed.values, expression: parsed.positionals[0] };
}
