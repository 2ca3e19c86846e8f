/**
 * The one error a template throws, for parsing and for executing. Its message is Go's, word
 * for word (`template: x:1: unexpected "}" in operand`), because Prometheus puts that text
 * into the annotation of an alert whose template fails, and users compare them.
 */

/** A template that does not parse or fails while it runs. */
export class TemplateError extends Error {
  constructor(
    message: string,
    /** The template line the error is on (1-based), when known. */
    readonly line?: number,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

/** Thrown by a template function: becomes `error calling <name>: <message>`. */
export class FuncError extends Error {}
