/**
 * The PromQL editor: CodeMirror 6 with codemirror-promql's grammar (highlighting) and its
 * completion over this server's names, and parse errors from the server's own parser
 * (QueryService.Format), so that what the editor flags is exactly what a run would refuse.
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  closeCompletion,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, linter } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { PromQLExtension } from "@prometheus-io/codemirror-promql";
import { useEffect, useRef } from "react";
import { messageOf, queryClient } from "../api/client.ts";
import { connectPromClient } from "../lib/prom_client.ts";

/** Colours are CSS variables (ui/styles.css) so that the theme switch restyles the editor. */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--op-hl-keyword)" },
  { tag: [tags.function(tags.variableName), tags.function(tags.name)], color: "var(--op-hl-fn)" },
  { tag: tags.labelName, color: "var(--op-hl-label)" },
  { tag: tags.string, color: "var(--op-hl-string)" },
  { tag: tags.number, color: "var(--op-hl-number)" },
  { tag: tags.operator, color: "var(--op-hl-operator)" },
  { tag: tags.comment, color: "var(--op-hl-comment)", fontStyle: "italic" },
  { tag: tags.invalid, color: "var(--op-hl-invalid)" },
]);

const theme = EditorView.theme({
  "&": { fontSize: "14px", border: "1px solid var(--mantine-color-default-border)" },
  "&.cm-focused": { outline: "2px solid var(--mantine-primary-color-filled)" },
  ".cm-content": { fontFamily: "var(--mantine-font-family-monospace)", padding: "8px 0" },
  ".cm-tooltip": { background: "var(--mantine-color-body)", color: "var(--mantine-color-text)" },
});

/** The server parser's `line:col:` prefix, turned into an offset in `doc`. */
function errorAt(state: EditorState, message: string): Diagnostic {
  const m = /(\d+):(\d+): (parse error: .*)$/.exec(message);
  if (m === null) return { from: 0, to: state.doc.length, severity: "error", message };
  const line = state.doc.line(Math.min(Number(m[1]), state.doc.lines));
  const from = Math.min(line.from + Number(m[2]) - 1, state.doc.length);
  return { from, to: Math.min(from + 1, state.doc.length), severity: "error", message: m[3] };
}

/** A linter asking the server's parser; hands each verdict (null when none) to `report` too. */
function serverLint(report: (error: string | null) => void, prepare: (text: string) => string) {
  return linter(
    async (view) => {
      const text = view.state.doc.toString();
      // A dashboard's query holds variables ($__rate_interval) the parser cannot read.
      const query = prepare(text);
      const shifted = query !== text;
      if (query.trim() === "") {
        report(null);
        return [];
      }
      try {
        await queryClient.format({ query });
        report(null);
        return [];
      } catch (err) {
        report(messageOf(err).replace(/^invalid parameter "query": /, ""));
        // Positions in a prepared text may not be the editor's: mark the whole text then.
        const at = shifted
          ? {
              from: 0,
              to: view.state.doc.length,
              severity: "error" as const,
              message: messageOf(err),
            }
          : errorAt(view.state, messageOf(err));
        return [at];
      }
    },
    { delay: 300 },
  );
}

interface Props {
  value: string;
  onChange(value: string): void;
  onRun(): void;
  /** The server parser's error for the current text, or null once it parses. */
  onParseError?(error: string | null): void;
  /** What the server's parser is asked to check instead of the text (dashboard variables). */
  prepare?(text: string): string;
}

/** A PromQL input; Ctrl+Enter (or Cmd+Enter) runs. */
export function PromQLEditor({ value, onChange, onRun, onParseError, prepare }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onRun, onParseError, prepare });
  latest.current = { onChange, onRun, onParseError, prepare };

  // biome-ignore lint/correctness/useExhaustiveDependencies: built once; `value` syncs below.
  useEffect(() => {
    const promql = new PromQLExtension()
      .activateLinter(false)
      .setComplete({ remote: connectPromClient });
    const run = {
      key: "Mod-Enter",
      // The completion list would stay open over the result it ran.
      run: (v: EditorView) => {
        closeCompletion(v);
        latest.current.onRun();
        return true;
      },
    };
    view.current = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([
            run,
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            ...completionKeymap,
          ]),
          history(),
          closeBrackets(),
          autocompletion(),
          promql.asExtension(),
          syntaxHighlighting(highlight),
          serverLint(
            (error) => latest.current.onParseError?.(error),
            (text) => latest.current.prepare?.(text) ?? text,
          ),
          theme,
          placeholder("Expression (press Ctrl+Enter to run)"),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "PromQL expression" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.current?.destroy();
  }, []);

  // A change from outside (back button, a link) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} data-testid="promql-editor" style={{ flex: 1, minWidth: 0 }} />;
}
