/**
 * Request parameters as Go's `http.Request.Form` holds them, which is what Prometheus reads:
 * the values of a url-encoded POST body first, then those of the URL's query string.
 */
import { OutpostError } from "../../../shared/errors/errors.ts";
import { readBodyCapped } from "../../../shared/http/body.ts";

/** The largest url-encoded body read: Go's `ParseForm` refuses one over 10 MB as Prometheus does. */
export const MAX_FORM_BYTES = 10 << 20;

/** The parameters of one API request, by name; repeated names (`match[]`) keep every value. */
export class Form {
  private constructor(private readonly params: URLSearchParams) {}

  /**
   * Reads the query string, and the body of a POST, PUT or PATCH that is url-encoded or
   * `multipart/form-data` (its fields; file parts are left out, and a malformed one adds
   * nothing, as Go's `FormValue` ignores its parse error). The media type is matched without
   * regard to case, as Go's `mime.ParseMediaType` does.
   */
  static async read(req: Request): Promise<Form> {
    const url = new URL(req.url);
    const header = req.headers.get("content-type") ?? "";
    const type = header.split(";", 1)[0].trim().toLowerCase();
    const form = type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
    if (req.method === "GET" || req.method === "HEAD" || !form) return new Form(url.searchParams);
    const body = await readBodyCapped(req, MAX_FORM_BYTES);
    if (body === null)
      throw new OutpostError(
        "bad_data",
        `error parsing form values: http: POST too large (the body is over ${MAX_FORM_BYTES} bytes)`,
      );
    const merged =
      type === "multipart/form-data"
        ? await multipartFields(body, header)
        : new URLSearchParams(new TextDecoder().decode(body));
    for (const [name, value] of url.searchParams) merged.append(name, value);
    return new Form(merged);
  }

  /** A form from literal parameters (tests, and callers that are not HTTP handlers). */
  static of(params: Record<string, string | string[]>): Form {
    const p = new URLSearchParams();
    for (const [name, v] of Object.entries(params)) {
      for (const value of Array.isArray(v) ? v : [v]) p.append(name, value);
    }
    return new Form(p);
  }

  /** The first value of `name`, or "" when it is absent (Go's `FormValue`). */
  get(name: string): string {
    return this.params.get(name) ?? "";
  }

  /** Every value of `name`, in order. */
  all(name: string): string[] {
    return this.params.getAll(name);
  }
}

/** The text fields of a `multipart/form-data` body; none when it does not parse. */
async function multipartFields(body: Uint8Array, contentType: string): Promise<URLSearchParams> {
  const fields = new URLSearchParams();
  try {
    const data = await new Response(body, { headers: { "content-type": contentType } }).formData();
    for (const [name, value] of data) if (typeof value === "string") fields.append(name, value);
  } catch {
    // Go's FormValue ignores ParseMultipartForm's error: the query string alone is read.
  }
  return fields;
}
