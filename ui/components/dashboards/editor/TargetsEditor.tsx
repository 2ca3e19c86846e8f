/**
 * The panel editor's queries: one per refId, PromQL (the Explore editor, with completion and
 * the server's parse errors) or LogQL for a Loki target; legend format, instant and hide
 * toggles; add and remove.
 */
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { type TargetForm, withoutVariables } from "../../../lib/dashboards/panel_edit.ts";
import { LogQLEditor } from "../../LogQLEditor.tsx";
import { PromQLEditor } from "../../PromQLEditor.tsx";

interface Props {
  targets: TargetForm[];
  /** Names of the dashboard's variables, shown as what `$name` may use. */
  variables: readonly string[];
  onChange(targets: TargetForm[]): void;
  onAdd(): void;
}

/** The list of queries. */
export function TargetsEditor({ targets, variables, onChange, onAdd }: Props) {
  const set = (i: number, patch: Partial<TargetForm>) =>
    onChange(targets.map((t, k) => (k === i ? { ...t, ...patch } : t)));
  return (
    <Stack gap="sm" data-testid="panel-targets">
      {targets.map((t, i) => (
        <Card key={t.refId} withBorder padding="xs" data-testid="panel-target" data-ref={t.refId}>
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <Badge
              variant="light"
              mt={8}
              tt="none"
              title={t.language === "logql" ? "LogQL" : "PromQL"}
            >
              {t.refId}
            </Badge>
            {t.language === "logql" ? (
              <LogQLEditor value={t.expr} onChange={(expr) => set(i, { expr })} onRun={() => {}} />
            ) : (
              <PromQLEditor
                value={t.expr}
                onChange={(expr) => set(i, { expr })}
                onRun={() => {}}
                prepare={withoutVariables}
              />
            )}
            <ActionIcon
              variant="subtle"
              color="red"
              mt={6}
              aria-label={`Remove query ${t.refId}`}
              onClick={() => onChange(targets.filter((_, k) => k !== i))}
            >
              ✕
            </ActionIcon>
          </Group>
          <Group gap="md" mt="xs" ml={44}>
            <TextInput
              size="xs"
              w={260}
              label="Legend"
              placeholder="{{instance}}"
              value={t.legendFormat}
              onChange={(e) => set(i, { legendFormat: e.currentTarget.value })}
            />
            <Switch
              size="xs"
              mt={18}
              label="Instant"
              checked={t.instant}
              onChange={(e) => set(i, { instant: e.currentTarget.checked })}
            />
            <Switch
              size="xs"
              mt={18}
              label="Hide"
              checked={t.hide}
              onChange={(e) => set(i, { hide: e.currentTarget.checked })}
            />
          </Group>
        </Card>
      ))}
      <Group>
        <Button variant="default" size="compact-sm" onClick={onAdd}>
          + Add query
        </Button>
        {variables.length > 0 && (
          <Text size="xs" c="dimmed">
            Variables: {variables.map((v) => `$${v}`).join(" ")}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
