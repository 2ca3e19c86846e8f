/**
 * The LogQL input: a plain CodeMirror 6 editor (history, bracket closing, no completion or
 * grammar); Ctrl+Enter (or Cmd+Enter) runs. Parse errors are the server's, shown by the page.
 */
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { useEffect, useRef } from "react";

const theme = EditorView.theme({
  "&": { fontSize: "14px", border: "1px solid var(--mantine-color-default-border)" },
  "&.cm-focused": { outline: "2px solid var(--mantine-primary-color-filled)" },
  ".cm-content": { fontFamily: "var(--mantine-font-family-monospace)", padding: "8px 0" },
});

interface Props {
  value: string;
  onChange(value: string): void;
  onRun(): void;
}

/** A LogQL input. */
export function LogQLEditor({ value, onChange, onRun }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };

  // biome-ignore lint/correctness/useExhaustiveDependencies: built once; `value` syncs below.
  useEffect(() => {
    const run = {
      key: "Mod-Enter",
      run: () => {
        latest.current.onRun();
        return true;
      },
    };
    view.current = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([run, ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap]),
          history(),
          closeBrackets(),
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
    return () => view.current?.destroy();
  }, []);

  // A change from outside (back button, a link) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} data-testid="logql-editor" style={{ flex: 1, minWidth: 0 }} />;
}
