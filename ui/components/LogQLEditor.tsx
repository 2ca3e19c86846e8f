/**
 * The LogQL input: CodeMirror 6 with Grafana's LogQL grammar (highlighting), completion of
 * label names and values in stream selectors, and the server parser's errors marked where it
 * says (logql_language.ts); Ctrl+Enter (or Cmd+Enter) runs.
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  closeCompletion,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { useEffect, useRef } from "react";

const theme = EditorView.theme({
  "&": { fontSize: "14px", border: "1px solid var(--mantine-color-default-border)" },
  "&.cm-focused": { outline: "2px solid var(--mantine-primary-color-filled)" },
  ".cm-content": { fontFamily: "var(--mantine-font-family-monospace)", padding: "8px 0" },
  ".cm-tooltip": { background: "var(--mantine-color-body)", color: "var(--mantine-color-text)" },
});

/** Where the lazily loaded LogQL support goes. */
const language = new Compartment();

interface Props {
  value: string;
  onChange(value: string): void;
  onRun(): void;
  /** The server parser's error for the current text, or null once it parses. */
  onParseError?(error: string | null): void;
}

/** A LogQL input. */
export function LogQLEditor({ value, onChange, onRun, onParseError }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onRun, onParseError });
  latest.current = { onChange, onRun, onParseError };

  // biome-ignore lint/correctness/useExhaustiveDependencies: built once; `value` syncs below.
  useEffect(() => {
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
          language.of([]),
          theme,
          placeholder('Log query, e.g. {app="api"} |= "error" (press Ctrl+Enter to run)'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "LogQL query" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    // The grammar, linter and completion load on first use, off the first page's bundle.
    let gone = false;
    import("./logql_language.ts").then((m) => {
      if (gone || view.current === null) return;
      view.current.dispatch({
        effects: language.reconfigure(
          m.logqlExtensions((error) => latest.current.onParseError?.(error)),
        ),
      });
    });
    return () => {
      gone = true;
      view.current?.destroy();
      view.current = null;
    };
  }, []);

  // A change from outside (back button, a link) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} data-testid="logql-editor" style={{ flex: 1, minWidth: 0 }} />;
}
