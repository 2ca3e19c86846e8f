/**
 * Remembers a regex's answers by text. Label values repeat across series (every series of a
 * target carries its `instance` and `job`, a metric name its family), so matchers and relabel
 * rules meet the same few values again and again; Prometheus's index gets the same effect by
 * running a matcher once per distinct value rather than once per series.
 */

/** Longer texts (log lines, bodies) are seldom seen twice and would hold memory. */
const MAX_TEXT = 256;
/** Answers kept per regex; a full memo is simply dropped. */
const MAX_ENTRIES = 4096;

/** `answer` with its results for short texts remembered; `answer` must be pure. */
export function memoize<T extends boolean | object | null>(
  answer: (text: string) => T,
): (text: string) => T {
  const answers = new Map<string, T>();
  return (text) => {
    if (text.length > MAX_TEXT) return answer(text);
    let known = answers.get(text);
    if (known === undefined) {
      known = answer(text);
      if (answers.size >= MAX_ENTRIES) answers.clear();
      answers.set(text, known);
    }
    return known;
  };
}
