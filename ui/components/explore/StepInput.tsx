/** Explore's step field, as Prometheus's "Res.": a duration, or empty for the automatic step. */
import { TextInput } from "@mantine/core";
import { useState } from "react";
import { parseDuration } from "../../lib/time.ts";

/** The step override, as Prometheus's "Res." field: a duration, or empty for the automatic step. */
export function StepInput({
  step,
  onStep,
}: {
  step: string | null;
  onStep(step: string | null): void;
}) {
  const [text, setText] = useState(step ?? "");
  const [was, setWas] = useState(step);
  if (was !== step) {
    setWas(step);
    setText(step ?? "");
  }
  const bad = text.trim() !== "" && parseDuration(text.trim()) === undefined;
  const apply = () => {
    if (!bad) onStep(text.trim() === "" ? null : text.trim());
  };
  return (
    <TextInput
      size="xs"
      w={130}
      aria-label="Step"
      placeholder="step: auto"
      value={text}
      // Said under the field, not only in a tooltip: the graph keeps the last good step.
      error={
        bad ? `Cannot use "${text.trim()}" as a step: write a duration such as 15s` : undefined
      }
      title="The query's step; empty is automatic"
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === "Enter" && apply()}
      data-testid="opt-step"
    />
  );
}
