/**
 * Field overrides as Grafana's editor shows them: each picks fields (by name, by name regex,
 * by type, by query) and sets properties on them. Common property ids are offered and any
 * other typed; a value is typed as text, read as JSON when it parses and as a string
 * otherwise, and a colour name becomes Grafana's fixed colour (panel_edit_fields.ts).
 */
import {
  ActionIcon,
  Autocomplete,
  Button,
  Card,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useEffect, useState } from "react";
import {
  newOverride,
  OVERRIDE_MATCHERS,
  OVERRIDE_PROPERTIES,
  propertyText,
  propertyValue,
} from "../../../lib/dashboards/panel_edit_fields.ts";
import type { FieldOverride } from "../../../lib/dashboards/types.ts";

interface Props {
  overrides: FieldOverride[];
  onChange(overrides: FieldOverride[]): void;
}

type Property = FieldOverride["properties"][number];

/** A property's value input: a colour shows its fixed colour, anything else its JSON. */
function valueText(p: Property): string {
  const v = p.value as { mode?: string; fixedColor?: string } | undefined;
  if (p.id === "color" && v?.mode === "fixed" && typeof v.fixedColor === "string")
    return v.fixedColor;
  return propertyText(p.value);
}

/**
 * A property's value, typed freely and read on blur; it follows the value when the property
 * under it changes (a removed override above moves the next one into its place).
 */
function ValueInput({
  p,
  label,
  onCommit,
}: {
  p: Property;
  label: string;
  onCommit(v: string): void;
}) {
  const shown = valueText(p);
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft(shown), [shown]);
  return (
    <TextInput
      size="xs"
      style={{ flex: 1 }}
      aria-label={label}
      placeholder="value (text or JSON)"
      value={draft}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={() => onCommit(draft)}
    />
  );
}

/** One override card. */
function OverrideCard({
  o,
  n,
  onChange,
  onRemove,
}: {
  o: FieldOverride;
  n: number;
  onChange(o: FieldOverride): void;
  onRemove(): void;
}) {
  const setProp = (i: number, p: Property) =>
    onChange({ ...o, properties: o.properties.map((q, k) => (k === i ? p : q)) });
  const matcherOption = typeof o.matcher.options === "string" ? o.matcher.options : "";
  return (
    <Card withBorder padding="xs" data-testid="override">
      <Stack gap={6}>
        <Group gap={4} wrap="nowrap">
          <Select
            size="xs"
            w={200}
            aria-label={`Override ${n} matcher`}
            data={OVERRIDE_MATCHERS.map((m) => ({ value: m.value, label: m.label }))}
            value={o.matcher.id}
            onChange={(id) => id && onChange({ ...o, matcher: { ...o.matcher, id } })}
            allowDeselect={false}
          />
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            aria-label={`Override ${n} fields`}
            placeholder={o.matcher.id === "byRegexp" ? "/.*idle.*/" : "name"}
            value={matcherOption}
            onChange={(e) =>
              onChange({ ...o, matcher: { ...o.matcher, options: e.currentTarget.value } })
            }
          />
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove override ${n}`}
            onClick={onRemove}
          >
            ✕
          </ActionIcon>
        </Group>
        {o.properties.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: properties have no identity beyond their place.
          <Group key={i} gap={4} wrap="nowrap" pl="sm">
            <Autocomplete
              size="xs"
              w={170}
              aria-label={`Override ${n} property ${i + 1}`}
              data={[...OVERRIDE_PROPERTIES]}
              value={p.id}
              onChange={(id) => setProp(i, { ...p, id })}
            />
            <ValueInput
              p={p}
              label={`Override ${n} value ${i + 1}`}
              onCommit={(typed) => setProp(i, { id: p.id, value: propertyValue(p.id, typed) })}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              size="sm"
              aria-label={`Remove override ${n} property ${i + 1}`}
              onClick={() => onChange({ ...o, properties: o.properties.filter((_, k) => k !== i) })}
            >
              ✕
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="subtle"
          size="compact-xs"
          w="fit-content"
          onClick={() => onChange({ ...o, properties: [...o.properties, { id: "displayName" }] })}
        >
          + Add property
        </Button>
      </Stack>
    </Card>
  );
}

/** The overrides list. */
export function OverridesEditor({ overrides, onChange }: Props) {
  return (
    <Stack gap={6} data-testid="overrides">
      <Text size="sm" fw={500}>
        Overrides
      </Text>
      {overrides.map((o, i) => (
        <OverrideCard
          // biome-ignore lint/suspicious/noArrayIndexKey: overrides have no identity beyond their place.
          key={i}
          o={o}
          n={i + 1}
          onChange={(next) => onChange(overrides.map((q, k) => (k === i ? next : q)))}
          onRemove={() => onChange(overrides.filter((_, k) => k !== i))}
        />
      ))}
      <Button
        variant="default"
        size="compact-xs"
        w="fit-content"
        onClick={() => onChange([...overrides, newOverride()])}
      >
        + Add field override
      </Button>
    </Stack>
  );
}
