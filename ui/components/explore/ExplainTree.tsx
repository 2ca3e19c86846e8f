/**
 * Explore's Tree tab: the expression as QueryService.Explain parses it, one node per line,
 * indented by depth, each with its kind (and operator), the type it evaluates to, its text and
 * the size of its result over the same range; a click runs that sub-expression.
 */
import { Alert, Badge, Box, Group, Loader, Text, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ExplainNode } from "../../../proto/gen/outpost/query/v1/query_pb.ts";
import { messageOf, queryClient } from "../../api/client.ts";

interface Props {
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Runs a node's expression. */
  onRun(query: string): void;
}

/** The query tree of `query` over the range. */
export function ExplainTree({ query, startMs, endMs, stepMs, onRun }: Props) {
  const explain = useQuery({
    queryKey: ["explain", query, startMs, endMs, stepMs],
    enabled: query.trim() !== "",
    queryFn: ({ signal }) =>
      queryClient.explain(
        {
          query,
          at: {
            case: "range",
            value: { startMs: BigInt(startMs), endMs: BigInt(endMs), stepMs: BigInt(stepMs) },
          },
        },
        { signal },
      ),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });
  if (explain.isLoading) return <Loader size="sm" />;
  if (explain.error)
    return (
      <Alert color="red" title="Cannot explain the query" data-testid="tree-error">
        {messageOf(explain.error)}
      </Alert>
    );
  const root = explain.data?.root;
  if (!root) return <Text c="dimmed">Enter an expression and press Run.</Text>;
  return (
    <Box data-testid="query-tree">
      <Text size="xs" c="dimmed" mb={4}>
        Each node's result over this range and step. Click a node to run it.
      </Text>
      <TreeNode node={root} depth={0} query={query} onRun={onRun} />
    </Box>
  );
}

/** The operator a node's kind hides in its text: `sum`, `rate`, `+`, `-` … */
function operatorOf(node: ExplainNode, query: string): string {
  if (node.kind === "AggregateExpr" || node.kind === "Call")
    return /^[a-z_]+/.exec(node.text)?.[0] ?? "";
  if (node.kind === "BinaryExpr" && node.children.length === 2) {
    // The query's text between the operands (spans are in the query as typed, not in the
    // node's printed text): `a + on(x) b` gives `+ on(x)`.
    const [l, r] = node.children;
    return query.slice(l.end, r.start).trim();
  }
  return "";
}

function TreeNode({
  node,
  depth,
  query,
  onRun,
}: {
  node: ExplainNode;
  depth: number;
  query: string;
  onRun(q: string): void;
}) {
  const op = operatorOf(node, query);
  return (
    <>
      <UnstyledButton
        onClick={() => onRun(node.text)}
        title={`Run ${node.text}`}
        data-testid="tree-node"
        data-kind={node.kind}
        data-series={String(node.series)}
        data-text={node.text}
        w="100%"
        py={3}
        px={6}
        pl={6 + depth * 22}
        className="op-tree-node"
      >
        <Group gap={8} wrap="nowrap" align="baseline">
          <Badge
            size="sm"
            variant="light"
            color={node.error ? "red" : "blue"}
            style={{ flexShrink: 0 }}
          >
            {node.kind}
            {op && ` ${op}`}
          </Badge>
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {node.valueType}
          </Text>
          <Text size="sm" ff="monospace" style={{ flex: 1, minWidth: 0, overflowWrap: "anywhere" }}>
            {node.text}
          </Text>
          <Text
            size="xs"
            c="dimmed"
            style={{ flexShrink: 0, whiteSpace: "nowrap" }}
            data-testid="tree-size"
          >
            {node.error
              ? ""
              : `${node.series} series · ${node.samples} ${node.samples === 1n ? "point" : "points"}`}
          </Text>
        </Group>
        {node.error && (
          <Text size="xs" c="red" pl={4} data-testid="tree-node-error">
            {node.error}
          </Text>
        )}
      </UnstyledButton>
      {node.children.map((c) => (
        // Siblings never share a span (a paren's child is inside it): the span is a stable key.
        <TreeNode
          key={`${c.kind}:${c.start}:${c.end}`}
          node={c}
          depth={depth + 1}
          query={query}
          onRun={onRun}
        />
      ))}
    </>
  );
}
