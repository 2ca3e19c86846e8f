/** Placeholder for the panel editor (D3's branch replaces this file): the panel's JSON, editable. */
import { Button, Group, Stack, Textarea } from "@mantine/core";
import { useState } from "react";
import type { Panel, PanelEditorProps } from "../../lib/dashboards/types.ts";

/** Edits a panel as JSON until the real editor lands. */
export function PanelEditor({ panel, onApply, onCancel }: PanelEditorProps) {
  const [text, setText] = useState(JSON.stringify(panel, null, 2));
  let parsed: Panel | undefined;
  try {
    parsed = JSON.parse(text) as Panel;
  } catch {
    parsed = undefined;
  }
  return (
    <Stack>
      <Textarea
        aria-label="Panel JSON"
        autosize
        minRows={10}
        maxRows={30}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        ff="monospace"
        error={parsed ? undefined : "Not valid JSON"}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button disabled={!parsed} onClick={() => parsed && onApply(parsed)}>
          Apply
        </Button>
      </Group>
    </Stack>
  );
}
