/**
 * The query service's errors for bad parameters, worded as Prometheus's `invalidParamError`
 * (`invalid parameter "<name>": <reason>`), whichever transport carries them.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";

/** A bad request parameter, worded as Prometheus's `invalidParamError`. */
export function invalidParam(name: string, err: unknown): OutpostError {
  return new OutpostError(
    "bad_data",
    `invalid parameter ${JSON.stringify(name)}: ${messageOf(err)}`,
  );
}

/** Runs `parse`, turning what it throws into an `invalid parameter "<name>"` error. */
export function param<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw invalidParam(name, err);
  }
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
