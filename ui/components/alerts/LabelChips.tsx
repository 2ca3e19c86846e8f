/** Label pairs as small chips: `name=value`. */
import { Badge, Group } from "@mantine/core";

/** Chips of labels, in the order given. */
export function LabelChips({ labels }: { labels: { name: string; value: string }[] }) {
  return (
    <Group gap={4}>
      {labels.map((l) => (
        <Badge
          key={l.name}
          variant="default"
          radius="sm"
          tt="none"
          fw={400}
          ff="monospace"
          data-testid="label-chip"
        >
          {l.name}={l.value}
        </Badge>
      ))}
    </Group>
  );
}
