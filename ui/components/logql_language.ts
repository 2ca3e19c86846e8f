/**
 * LogQL for CodeMirror: Grafana's lezer grammar (`@grafana/lezer-logql`) as an LRLanguage with
 * highlight tags, a linter that asks the server's own parser, and completion of label names and
 * values inside stream selectors from LogsService.
 */
import type { CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { HighlightStyle, LRLanguage, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, linter } from "@codemirror/lint";
import type { EditorState, Extension } from "@codemirror/state";
import { parser } from "@grafana/lezer-logql";
import { styleTags, tags } from "@lezer/highlight";
import { logsClient, messageOf } from "../api/client.ts";
import { selectorSpot } from "../lib/logql_complete.ts";

const language = LRLanguage.define({
  name: "logql",
  parser: parser.configure({
    props: [
      styleTags({
        "Json Logfmt Unpack Pattern Regexp Unwrap LabelFormat LineFormat LabelReplace Vector Offset Bool On Ignoring GroupLeft GroupRight Decolorize Drop Keep By Without And Or Unless Ip":
          tags.keyword,
        "Sum Avg Count Max Min Stddev Stdvar Bottomk Topk Sort Sort_Desc Approx_Topk CountOverTime Rate RateCounter BytesOverTime BytesRate AvgOverTime SumOverTime MinOverTime MaxOverTime StddevOverTime StdvarOverTime QuantileOverTime FirstOverTime LastOverTime AbsentOverTime BytesConv DurationConv DurationSecondsConv":
          tags.function(tags.variableName),
        Identifier: tags.labelName,
        String: tags.string,
        "Number Duration Bytes Range": tags.number,
        "Eq Neq Re Nre PipeExact PipeMatch PipePattern Npa Gtr Gte Lss Lte Eql Add Sub Mul Div Mod Pow Pipe":
          tags.operator,
        LineComment: tags.lineComment,
      }),
    ],
  }),
  languageData: { commentTokens: { line: "#" } },
});

/** Colours are CSS variables (ui/styles.css), shared with the PromQL editor, per theme. */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--op-hl-keyword)" },
  { tag: tags.function(tags.variableName), color: "var(--op-hl-fn)" },
  { tag: tags.labelName, color: "var(--op-hl-label)" },
  { tag: tags.string, color: "var(--op-hl-string)" },
  { tag: tags.number, color: "var(--op-hl-number)" },
  { tag: tags.operator, color: "var(--op-hl-operator)" },
  { tag: tags.lineComment, color: "var(--op-hl-comment)", fontStyle: "italic" },
  { tag: tags.invalid, color: "var(--op-hl-invalid)" },
]);

/** The server's `line L, col C:` turned into an offset in the document (Loki counts line 0 too). */
function errorAt(state: EditorState, message: string): Diagnostic {
  const m = /line (\d+), col (\d+): (.*)$/.exec(message);
  if (m === null) return { from: 0, to: state.doc.length, severity: "error", message };
  const line = state.doc.line(Math.min(Math.max(1, Number(m[1])), state.doc.lines));
  // An error at the very end (a query cut short) marks the last character, so it shows.
  const at = Math.min(line.from + Math.max(0, Number(m[2]) - 1), state.doc.length);
  const from = Math.max(0, Math.min(at, state.doc.length - 1));
  return { from, to: Math.min(from + 1, state.doc.length), severity: "error", message: m[3] };
}

/**
 * The server's verdict: the query run over an empty range with one line, so only its parser
 * (and the checks before running) can refuse it. `report` gets the message, or null.
 */
function serverLint(report: (error: string | null) => void) {
  return linter(
    async (view) => {
      const query = view.state.doc.toString();
      if (query.trim() === "") {
        report(null);
        return [];
      }
      const endNs = BigInt(Date.now()) * 1_000_000n;
      try {
        await logsClient.query({
          query,
          at: { case: "range", value: { startNs: endNs, endNs, stepNs: 1_000_000_000n } },
          limit: 1,
        });
        report(null);
        return [];
      } catch (err) {
        const message = messageOf(err).replace(/^invalid parameter "query": /, "");
        report(message);
        return [errorAt(view.state, message)];
      }
    },
    { delay: 400 },
  );
}

/** How far back completion looks for label names and values. */
const LOOKBACK_NS = 6n * 3_600_000_000_000n;

async function complete(ctx: CompletionContext): Promise<CompletionResult | null> {
  const before = ctx.state.sliceDoc(0, ctx.pos);
  const spot = selectorSpot(before);
  if (
    spot === null ||
    (spot.kind === "name" && spot.prefix === "" && !ctx.explicit && !/[{,]\s*$/.test(before))
  )
    return null;
  const endNs = BigInt(Date.now()) * 1_000_000n;
  const selection = {
    selector: spot.selector === "{}" ? "" : spot.selector,
    startNs: endNs - LOOKBACK_NS,
    endNs,
  };
  try {
    if (spot.kind === "name") {
      const { names } = await logsClient.labelNames({ selection });
      return {
        from: spot.from,
        options: names.map((n) => ({ label: n, type: "property", apply: `${n}=` })),
        validFor: /^[A-Za-z0-9_]*$/,
      };
    }
    const { values } = await logsClient.labelValues({ name: spot.name, selection });
    return {
      from: spot.from,
      options: values.map((v) => ({ label: v, type: "text" })),
      validFor: /^[^"\\]*$/,
    };
  } catch {
    // A lookup that fails offers nothing; the linter reports what is wrong with the query.
    return null;
  }
}

/** Everything the LogQL editor adds to a plain CodeMirror editor. */
export function logqlExtensions(report: (error: string | null) => void): Extension[] {
  return [
    language,
    syntaxHighlighting(highlight),
    serverLint(report),
    language.data.of({ autocomplete: complete }),
  ];
}
