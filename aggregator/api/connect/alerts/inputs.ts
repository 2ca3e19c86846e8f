/**
 * The alerts service's requests read into what the alerting code takes, each bad value an
 * `invalid_argument` naming its field (`invalid parameter "filter.matchers": …`).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type {
  AlertFilter as FilterMessage,
  SilenceSpec,
} from "../../../../proto/gen/outpost/alerts/v1/alerts_pb.ts";
import { OutpostError } from "../../../../shared/errors/errors.ts";
import { type AlertFilter, alertFilter } from "../../../notify/api/gettable.ts";
import type { SilenceInput } from "../../../notify/silences/store.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An `invalid_argument` naming `field`. */
export function invalid(field: string, why: string): ConnectError {
  return new ConnectError(`invalid parameter "${field}": ${why}`, Code.InvalidArgument);
}

/** Runs `read`; what it throws about its input becomes an `invalid_argument` naming `field`. */
export function field<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ConnectError || (err instanceof OutpostError && err.code !== "bad_data"))
      throw err;
    throw invalid(name, (err as Error).message);
  }
}

/** A listing filter; absent booleans are true, as the HTTP API's absent parameters. */
export function filterIn(f: FilterMessage | undefined, name = "filter"): AlertFilter {
  const base = {
    active: f?.active ?? true,
    silenced: f?.silenced ?? true,
    inhibited: f?.inhibited ?? true,
    unprocessed: true,
  };
  // Compiled one field at a time so that an error names the field it is about.
  const { receiver } = field(`${name}.receiver`, () =>
    alertFilter({ ...base, receiver: f?.receiver ?? "", matchers: [] }),
  );
  const { matchers } = field(`${name}.matchers`, () =>
    alertFilter({ ...base, receiver: "", matchers: f?.matchers ?? [] }),
  );
  return { ...base, receiver, matchers };
}

/** A silence id: present and a UUID, as the HTTP API's path checks it. */
export function silenceId(id: string, name = "id"): string {
  if (id === "") throw invalid(name, "is required");
  if (!UUID.test(id)) throw invalid(name, `must be of type uuid: ${JSON.stringify(id)}`);
  return id;
}

/** A silence to set; every field is required, as in Alertmanager's postable silence. */
export function silenceIn(s: SilenceSpec | undefined, id?: string): SilenceInput {
  if (s === undefined) throw invalid("silence", "is required");
  if (s.matchers.length === 0) throw invalid("silence.matchers", "should have at least 1 items");
  s.matchers.forEach((m, i) => {
    if (m.name === "") throw invalid(`silence.matchers[${i}].name`, "is required");
  });
  if (s.startsAtMs === undefined) throw invalid("silence.starts_at_ms", "is required");
  if (s.endsAtMs === undefined) throw invalid("silence.ends_at_ms", "is required");
  return {
    ...(id ? { id } : {}),
    matchers: s.matchers.map((m) => ({
      name: m.name,
      value: m.value,
      isRegex: m.isRegex,
      isEqual: m.isEqual ?? true,
    })),
    startsAt: Number(s.startsAtMs),
    endsAt: Number(s.endsAtMs),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}
