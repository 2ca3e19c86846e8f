/**
 * The panel editor: a full-width dialog with the panel's title, description and type, its
 * queries (PromQL or LogQL per refId), unit, decimals, min, max, thresholds, value mappings,
 * a time series' legend and field overrides, and a text
 * panel's content and mode. Apply hands back the panel with the form merged in: every field
 * the editor does not show is kept (ui/lib/dashboards/panel_edit.ts). No preview here: the
 * dashboard page may draw one beside it.
 */
import {
  Button,
  Divider,
  Grid,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import {
  applyForm,
  newTarget,
  PANEL_TYPES,
  type PanelForm,
  panelToForm,
} from "../../lib/dashboards/panel_edit.ts";
import type { PanelEditorProps } from "../../lib/dashboards/types.ts";
import { FieldOptions } from "./editor/FieldOptions.tsx";
import { LegendOptions } from "./editor/LegendOptions.tsx";
import { MappingsEditor } from "./editor/MappingsEditor.tsx";
import { OverridesEditor } from "./editor/OverridesEditor.tsx";
import { TargetsEditor } from "./editor/TargetsEditor.tsx";
import { ThresholdsEditor } from "./editor/ThresholdsEditor.tsx";

/** Edits one panel; open while it is rendered. */
export function PanelEditor({ panel, variables, onApply, onCancel }: PanelEditorProps) {
  const [form, setForm] = useState<PanelForm>(() => panelToForm(panel));
  const set = (patch: Partial<PanelForm>) => setForm((f) => ({ ...f, ...patch }));
  const types = PANEL_TYPES.includes(form.type as (typeof PANEL_TYPES)[number])
    ? [...PANEL_TYPES]
    : [...PANEL_TYPES, form.type];
  const text = form.type === "text";
  return (
    <Modal
      opened
      onClose={onCancel}
      // Escape closes the query editor's completion list: it must not throw the edits away.
      closeOnEscape={false}
      size="100%"
      title={<Title order={4}>Edit panel{panel.title ? `: ${panel.title}` : ""}</Title>}
      data-testid="panel-editor"
    >
      <Grid gutter="lg" align="flex-start">
        <Grid.Col span={{ base: 12, md: 8 }}>
          {text ? (
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={500}>Text</Text>
                <SegmentedControl
                  size="xs"
                  value={form.textMode}
                  onChange={(textMode) => set({ textMode })}
                  data={["markdown", "html", "code"]}
                />
              </Group>
              <Textarea
                aria-label="Content"
                value={form.textContent}
                onChange={(e) => set({ textContent: e.currentTarget.value })}
                autosize
                minRows={12}
                styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
              />
            </Stack>
          ) : (
            <Stack gap="xs">
              <Text fw={500}>Queries</Text>
              <TargetsEditor
                targets={form.targets}
                variables={variables.map((v) => v.name)}
                onChange={(targets) => set({ targets })}
                onAdd={() => set({ targets: [...form.targets, newTarget(form, panel)] })}
              />
            </Stack>
          )}
        </Grid.Col>
        {/* The options stay in view, below the sticky header, while the queries scroll. */}
        <Grid.Col
          span={{ base: 12, md: 4 }}
          style={{
            position: "sticky",
            top: 64,
            alignSelf: "flex-start",
            // Mappings and overrides can outgrow the screen: the column scrolls on its own.
            maxHeight: "calc(100vh - 160px)",
            overflowY: "auto",
          }}
        >
          <Stack gap="xs">
            <TextInput
              label="Title"
              value={form.title}
              onChange={(e) => set({ title: e.currentTarget.value })}
            />
            <Textarea
              label="Description"
              value={form.description}
              onChange={(e) => set({ description: e.currentTarget.value })}
              autosize
              minRows={2}
            />
            <Select
              label="Type"
              data={types}
              value={form.type}
              onChange={(type) => type && set({ type })}
              allowDeselect={false}
            />
            {!text && (
              <>
                <Divider label="Standard options" labelPosition="left" />
                <FieldOptions
                  unit={form.unit}
                  decimals={form.decimals}
                  min={form.min}
                  max={form.max}
                  onChange={set}
                />
                <ThresholdsEditor
                  mode={form.thresholdMode}
                  steps={form.steps}
                  onChange={(thresholdMode, steps) => set({ thresholdMode, steps })}
                />
                <MappingsEditor rows={form.mappings} onChange={(mappings) => set({ mappings })} />
                {form.type === "timeseries" && (
                  <LegendOptions legend={form.legend} onChange={(legend) => set({ legend })} />
                )}
                <OverridesEditor
                  overrides={form.overrides}
                  onChange={(overrides) => set({ overrides })}
                />
              </>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button onClick={() => onApply(applyForm(panel, form))}>Apply</Button>
      </Group>
    </Modal>
  );
}
