/**
 * The silences that may mute an alert, found without testing every silence on every alert.
 * Each silence is filed under one of its `name="value"` matchers (a non-empty value), so an
 * alert only tests the silences filed under its own label values; silences with no such
 * matcher (only regexes or negations) are tested on every alert. Matchers are compiled once,
 * when the index is built.
 */
import type { Matcher } from "../matchers.ts";
import { compileMatchers, type Silence } from "./silence.ts";

interface Entry {
  readonly silence: Silence;
  readonly matchers: readonly Matcher[];
}

/** An immutable index of silences, rebuilt whenever the set changes. */
export class SilenceIndex {
  /** name → value → silences filed under `name="value"`. */
  private readonly byLabel = new Map<string, Map<string, Entry[]>>();
  private readonly scanned: Entry[] = [];

  /** Files every silence that is not expired at `now`; expired ones can never match again. */
  constructor(silences: Iterable<Silence>, now: number) {
    for (const silence of silences) {
      if (silence.endsAt < now) continue;
      const entry = { silence, matchers: compileMatchers(silence.matchers) };
      const anchor = silence.matchers.find((m) => m.isEqual && !m.isRegex && m.value !== "");
      if (anchor === undefined) {
        this.scanned.push(entry);
        continue;
      }
      let values = this.byLabel.get(anchor.name);
      if (values === undefined) {
        values = new Map();
        this.byLabel.set(anchor.name, values);
      }
      const list = values.get(anchor.value);
      if (list === undefined) values.set(anchor.value, [entry]);
      else list.push(entry);
    }
  }

  /** The ids of the silences active at `now` whose matchers all match the labels, sorted. */
  silencedBy(labels: Readonly<Record<string, string>>, now: number): string[] {
    const out: string[] = [];
    for (const [name, values] of this.byLabel) {
      const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
      if (value === undefined) continue;
      const list = values.get(value);
      if (list !== undefined) collect(list, labels, now, out);
    }
    collect(this.scanned, labels, now, out);
    return out.length > 1 ? out.sort() : out;
  }
}

function collect(
  entries: readonly Entry[],
  labels: Readonly<Record<string, string>>,
  now: number,
  out: string[],
): void {
  for (const { silence, matchers } of entries) {
    if (now < silence.startsAt || now > silence.endsAt) continue;
    if (matchers.every((m) => m.matches(Object.hasOwn(labels, m.name) ? labels[m.name] : ""))) {
      out.push(silence.id);
    }
  }
}
