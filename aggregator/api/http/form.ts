/**
 * Request parameters as Go's `http.Request.Form` holds them, which is what Prometheus reads:
 * the values of a url-encoded POST body first, then those of the URL's query string.
 */

/** The parameters of one API request, by name; repeated names (`match[]`) keep every value. */
export class Form {
  private constructor(private readonly params: URLSearchParams) {}

  /** Reads the query string, and the body of a url-encoded POST or PUT. */
  static async read(req: Request): Promise<Form> {
    const url = new URL(req.url);
    const type = req.headers.get("content-type") ?? "";
    if (req.method === "GET" || !type.startsWith("application/x-www-form-urlencoded")) {
      return new Form(url.searchParams);
    }
    const merged = new URLSearchParams(await req.text());
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
