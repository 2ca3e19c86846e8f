/**
 * The dashboard's template variables above its panels: a select per variable (multi-select
 * for multi-value ones), a text box for `textbox`, the ad hoc filters as removable chips with
 * a field to add one. Hidden variables (`hide` 2) and labels (`hide` 1) as Grafana hides them.
 */
import {
  Alert,
  Badge,
  CloseButton,
  Group,
  MultiSelect,
  Select,
  Text,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import type { AdhocFilter } from "../../lib/dashboards/adhoc.ts";
import { type VariableState, withAll } from "../../lib/dashboards/variables.ts";

interface Props {
  states: VariableState[];
  /** The variables are still resolving: their inputs are shown, empty and disabled. */
  pending?: boolean;
  /** Called with the variable's new values (ad hoc: `key|op|value` per filter). */
  onChange(name: string, values: string[]): void;
}

const filterText = (f: AdhocFilter) => `${f.key}|${f.operator}|${f.value}`;

/** One ad hoc variable: its filters as chips and a `key=value` field (also `!=`, `=~`, `!~`). */
function AdhocFilters({
  state,
  pending,
  onChange,
}: {
  state: VariableState;
  pending?: boolean;
  onChange: Props["onChange"];
}) {
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string>();
  const name = state.variable.name;
  const add = () => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(draft);
    if (!m) {
      setError('Write a filter as label="value" (or !=, =~, !~)');
      return;
    }
    setError(undefined);
    setDraft("");
    onChange(name, [...state.filters.map(filterText), `${m[1]}|${m[2]}|${m[3]}`]);
  };
  return (
    <Group gap={4} wrap="wrap" align="center">
      {state.filters.map((f, i) => (
        <Badge
          key={filterText(f)}
          variant="light"
          tt="none"
          rightSection={
            <CloseButton
              size="xs"
              aria-label={`Remove filter ${f.key}`}
              onClick={() =>
                onChange(name, state.filters.filter((_, j) => j !== i).map(filterText))
              }
            />
          }
        >
          {f.key}
          {f.operator}"{f.value}"
        </Badge>
      ))}
      <TextInput
        size="xs"
        w={180}
        aria-label={`Add a filter to ${name}`}
        placeholder='label="value"'
        disabled={pending}
        value={draft}
        error={error}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => e.key === "Enter" && add()}
      />
    </Group>
  );
}

/** The variables bar; renders nothing when every variable is hidden. */
export function VariablesBar({ states, pending, onChange }: Props) {
  const shown = states.filter((s) => s.variable.hide !== 2);
  if (shown.length === 0) return null;
  return (
    <Group gap="md" wrap="wrap" align="flex-end" data-testid="variables">
      {shown.map((s) => {
        const v = s.variable;
        const label = v.hide === 1 ? undefined : (v.label ?? v.name);
        const data = s.options.map((o) => ({ value: o.value, label: o.text }));
        let input: React.ReactNode;
        if (v.type === "adhoc")
          input = <AdhocFilters state={s} pending={pending} onChange={onChange} />;
        else if (v.type === "textbox") {
          input = (
            <TextInput
              size="xs"
              aria-label={v.name}
              disabled={pending}
              defaultValue={s.selected[0] ?? ""}
              onBlur={(e) => onChange(v.name, [e.currentTarget.value])}
              onKeyDown={(e) => e.key === "Enter" && onChange(v.name, [e.currentTarget.value])}
            />
          );
        } else if (v.multi) {
          input = (
            <MultiSelect
              size="xs"
              aria-label={v.name}
              miw={160}
              maw={420}
              data={data}
              disabled={pending}
              value={s.selected}
              searchable
              onChange={(vals) => vals.length > 0 && onChange(v.name, withAll(s.selected, vals))}
            />
          );
        } else {
          input = (
            <Select
              size="xs"
              aria-label={v.name}
              w={200}
              data={data}
              disabled={pending}
              value={s.selected[0] ?? null}
              searchable
              allowDeselect={false}
              onChange={(val) => val !== null && onChange(v.name, [val])}
            />
          );
        }
        return (
          <div key={v.name} data-testid={`var-${v.name}`}>
            {label && (
              <Text size="xs" fw={500} mb={2}>
                {label}
              </Text>
            )}
            {input}
            {s.error && (
              <Alert color="red" p={4} mt={4}>
                <Text size="xs">{s.error}</Text>
              </Alert>
            )}
          </div>
        );
      })}
    </Group>
  );
}
