/**
 * A page holding only the PanelEditor, for its browser test (test/e2e/ui_panel_editor.test.ts)
 * until the dashboard page opens it: the panel and variables come from `window.__panel` and
 * `window.__variables`, Apply leaves the panel it returns in `window.__applied`. The app does
 * not import it, so it is not in the app's bundle.
 */
import "@mantine/core/styles.css";
import "../../../styles.css";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { createRoot } from "react-dom/client";
import type { Panel, Variable } from "../../../lib/dashboards/types.ts";
import { PanelEditor } from "../PanelEditor.tsx";

interface HarnessWindow {
  __panel: Panel;
  __variables?: Variable[];
  __applied?: Panel;
  __cancelled?: boolean;
}

const w = window as unknown as HarnessWindow;

function Harness() {
  const [open, setOpen] = useState(true);
  if (!open) return <p data-testid="editor-closed">closed</p>;
  return (
    <PanelEditor
      panel={w.__panel}
      variables={w.__variables ?? []}
      onApply={(p) => {
        w.__applied = p;
        setOpen(false);
      }}
      onCancel={() => {
        w.__cancelled = true;
        setOpen(false);
      }}
    />
  );
}

createRoot(document.getElementById("root")!).render(
  <MantineProvider defaultColorScheme="auto">
    <QueryClientProvider client={new QueryClient()}>
      <Harness />
    </QueryClientProvider>
  </MantineProvider>,
);
