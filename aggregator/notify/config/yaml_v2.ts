/**
 * A mapping's entries as yaml.v2 (Alertmanager's YAML decoder) reads them, `<<` merge keys
 * included: into a struct, each key read later overrides an earlier one, merged or written
 * (yaml.v3, which rule files use, lets written keys win wherever they are); into a map, a key
 * both merged and written is an error; of a sequence of merged maps the earlier wins; a merge
 * of anything but maps is an error.
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import type { SourcePos } from "../../rules/model.ts";
import { deref, type Entry, posOf, scalarText, type Tree } from "../../rules/yaml_tree.ts";

/** What a mapping is read into: a struct (a config section) or a map (`match`, `details`). */
export type Target = "struct" | "map";

/** A mapping's entries and what yaml.v2 refuses in its merges. */
export interface V2Entries {
  readonly entries: readonly Entry[];
  readonly problems: readonly { readonly at: SourcePos; readonly reason: string }[];
}

/** Reads `node`'s entries, merges expanded, as yaml.v2 reads them into `target`. */
export function entriesV2(tree: Tree, node: Node, target: Target): V2Entries {
  const out = new Map<string, Entry>();
  const problems: { at: SourcePos; reason: string }[] = [];
  const set = (entry: Entry, at: SourcePos) => {
    if (target === "map" && out.has(entry.key)) {
      problems.push({ at, reason: `key ${JSON.stringify(entry.key)} already set in map` });
    }
    out.delete(entry.key);
    out.set(entry.key, entry);
  };
  if (!isMap(node)) return { entries: [], problems };
  for (const pair of node.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? scalarText(keyNode) : "";
    const value = deref(tree, pair.value as Node | null);
    if (!(key === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN")) {
      set({ key, keyNode, value }, posOf(tree, keyNode));
      continue;
    }
    const at = posOf(tree, value ?? keyNode);
    const sources = isSeq(value) ? value.items.map((i) => deref(tree, i as Node)) : [value];
    if (!sources.every((s) => isMap(s))) {
      problems.push({ at, reason: "map merge requires map or sequence of maps as the value" });
      continue;
    }
    // Of several merged maps the first wins: read last to first, each overriding.
    for (const source of sources.reverse()) {
      const merged = entriesV2(tree, source!, target);
      problems.push(...merged.problems);
      for (const entry of merged.entries) set(entry, at);
    }
  }
  return { entries: [...out.values()], problems };
}
