/**
 * Value mappings as Grafana's editor shows them: one row per value, range, regex or special
 * match, each with display text and a colour; add by kind, remove, reorder. Rows are stored
 * back as Grafana saves them (ui/lib/dashboards/panel_edit_fields.ts).
 */
import {
  ActionIcon,
  Badge,
  Button,
  ColorInput,
  Group,
  Menu,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import {
  type MappingKind,
  type MappingRow,
  newMappingRow,
  SPECIAL_MATCHES,
} from "../../../lib/dashboards/panel_edit_fields.ts";

interface Props {
  rows: MappingRow[];
  onChange(rows: MappingRow[]): void;
}

const KINDS: { kind: MappingKind; label: string }[] = [
  { kind: "value", label: "Value" },
  { kind: "range", label: "Range" },
  { kind: "regex", label: "Regex" },
  { kind: "special", label: "Special" },
];

const numberOrNull = (v: string | number): number | null =>
  v === "" || v === "-" || !Number.isFinite(Number(v)) ? null : Number(v);

/** The match inputs of one row, by kind. */
function MatchInputs({ row, i, set }: { row: MappingRow; i: number; set: Setter }) {
  if (row.kind === "range")
    return (
      <Group gap={4} wrap="nowrap">
        <NumberInput
          size="xs"
          w={70}
          placeholder="from"
          aria-label={`Mapping ${i + 1} from`}
          value={row.from ?? ""}
          onChange={(v) => set(i, { from: numberOrNull(v) })}
        />
        <NumberInput
          size="xs"
          w={70}
          placeholder="to"
          aria-label={`Mapping ${i + 1} to`}
          value={row.to ?? ""}
          onChange={(v) => set(i, { to: numberOrNull(v) })}
        />
      </Group>
    );
  if (row.kind === "special")
    return (
      <Select
        size="xs"
        w={144}
        aria-label={`Mapping ${i + 1} match`}
        data={[...SPECIAL_MATCHES]}
        value={row.match}
        onChange={(match) => match && set(i, { match })}
        allowDeselect={false}
      />
    );
  return (
    <TextInput
      size="xs"
      w={144}
      placeholder={row.kind === "regex" ? "/pattern/ or pattern" : "value"}
      aria-label={`Mapping ${i + 1} ${row.kind === "regex" ? "pattern" : "value"}`}
      value={row.match}
      onChange={(e) => set(i, { match: e.currentTarget.value })}
    />
  );
}

type Setter = (i: number, patch: Partial<MappingRow>) => void;

/** The mappings list. */
export function MappingsEditor({ rows, onChange }: Props) {
  const set: Setter = (i, patch) =>
    onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) => {
    const next = [...rows];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r);
    onChange(next);
  };
  return (
    <Stack gap={6} data-testid="mappings">
      <Text size="sm" fw={500}>
        Value mappings
      </Text>
      {rows.length === 0 && (
        <Text size="xs" c="dimmed">
          None: values show as numbers in the unit.
        </Text>
      )}
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place.
        <Group key={i} gap={4} wrap="nowrap" data-testid="mapping">
          <Badge variant="light" size="sm" w={62}>
            {r.kind}
          </Badge>
          <MatchInputs row={r} i={i} set={set} />
          <TextInput
            size="xs"
            w={100}
            placeholder="display text"
            aria-label={`Mapping ${i + 1} text`}
            value={r.text}
            onChange={(e) => set(i, { text: e.currentTarget.value })}
          />
          <ColorInput
            size="xs"
            w={110}
            placeholder="colour"
            aria-label={`Mapping ${i + 1} colour`}
            value={r.color}
            onChange={(color) => set(i, { color })}
            fixOnBlur={false}
          />
          <ActionIcon
            variant="subtle"
            size="sm"
            aria-label={`Move mapping ${i + 1} up`}
            disabled={i === 0}
            onClick={() => move(i, -1)}
          >
            ↑
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            color="red"
            size="sm"
            aria-label={`Remove mapping ${i + 1}`}
            onClick={() => onChange(rows.filter((_, k) => k !== i))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Menu position="bottom-start">
        <Menu.Target>
          <Button variant="default" size="compact-xs" w="fit-content">
            + Add value mapping
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {KINDS.map((k) => (
            <Menu.Item key={k.kind} onClick={() => onChange([...rows, newMappingRow(k.kind)])}>
              {k.label}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Stack>
  );
}
