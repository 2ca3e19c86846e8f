/** The one error the auth store throws: a code callers map to HTTP and Connect codes. */

/** Why a change to users or tokens was refused. */
export type AuthErrorCode = "invalid" | "not_found" | "exists";

/** A refused change to users, tokens or sessions; the message names the field. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}
