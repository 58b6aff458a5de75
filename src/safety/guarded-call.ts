import type { CallToolResult, InputRequiredResult } from "@modelcontextprotocol/server";
import type { Logger } from "../shared/log.js";
import { auditTarget } from "./audit.js";
import type { CallOrigin, Decision } from "./confirmation.js";
import type { Confirmation, Mailing } from "./confirmation-types.js";
import type { Safety } from "./index.js";
import { StoreUnavailableError } from "./safety-store.js";

/** What the safety layer needs of a tool: its name, whether it only reads, its confirmation and e-mails. */
export interface GuardedTool<A, C> {
  name: string;
  annotations: { readOnlyHint: boolean };
  /** The arguments that name what a call acts on (the tool's definition says which). */
  auditTarget: readonly string[];
  confirm?: Confirmation<A, C>;
  mails?(args: A): Mailing | undefined;
  run(args: A, context: C): Promise<Record<string, unknown>>;
}

/** How a guarded call ended, before it is put into MCP terms. */
export type CallOutcome =
  | { kind: "ok"; output: Record<string, unknown> }
  /** Stopped before anything was sent to Contabo. */
  | { kind: "refused"; reason: string }
  /** A preview and token (token mode), or the human's no. */
  | { kind: "answered"; structured: Record<string, unknown> }
  | { kind: "failed"; error: unknown };

/** The tools layer's side: results in MCP terms, and the facts the audit wants from errors. */
export interface CallPresenter {
  result(toolName: string, outcome: CallOutcome): CallToolResult;
  /** The Contabo request id an output or an error carries. */
  requestIdOf(value: unknown): string | undefined;
  /** Whether a failed call may still have reached Contabo (its answer lost): its e-mail slot is kept. */
  mayHaveReached(error: unknown): boolean;
}

/**
 * The one path of a tool call, in the order the policy reads: a tool turned off is refused; the
 * e-mail and invitation limits are taken; confirmation is obtained; then the tool runs. Every call
 * that writes, and every confirmation decision, is audited; every call is logged.
 */
export async function guardedCall<A extends Record<string, unknown>, C extends { signal: AbortSignal }>(
  tool: GuardedTool<A, C>,
  given: A,
  context: C,
  origin: CallOrigin,
  safety: Safety,
  present: CallPresenter,
  logger: Logger,
): Promise<CallToolResult | InputRequiredResult> {
  const started = performance.now();
  const { confirmationToken, ...rest } = given;
  const args = rest as A;
  const off = safety.selection.disabled.get(tool.name);
  // A tool turned off is never run, whatever its arguments (they were not even validated).
  const confirm = !off && tool.confirm?.when(args) ? tool.confirm : undefined;
  let decision: Decision = off ? "refused" : confirm ? "preview-failed" : "not-required";
  const finish = <R extends CallToolResult | InputRequiredResult>(
    outcome: "ok" | "error" | "not-run",
    result: R,
    requestId?: string,
    error?: unknown,
  ): R => {
    const cancelled = outcome === "error" && context.signal.aborted;
    const seconds = (performance.now() - started) / 1000;
    safety.events.toolCall?.({
      tool: tool.name,
      outcome: cancelled ? "cancelled" : outcome,
      decision,
      seconds,
    });
    const audited = !tool.annotations.readOnlyHint || confirm !== undefined;
    // Failures warn; writes and confirmations are worth a line; a plain read is a debug detail.
    const level = outcome === "error" && !cancelled ? "warn" : audited || cancelled ? "info" : "debug";
    logger[level]("tool call", {
      tool: tool.name,
      outcome: cancelled ? "cancelled" : outcome,
      decision,
      ms: Math.round(seconds * 1000),
      error: error instanceof Error ? error.name : undefined,
      requestId,
    });
    if (audited) {
      safety.audit.record({
        tool: tool.name,
        target: auditTarget(args, tool.auditTarget),
        arguments: args,
        caller: origin.caller,
        confirmMode: safety.gate.mode,
        decision,
        outcome,
        requestId,
        error: errorTextOf(result),
      });
    }
    return result;
  };
  const refuse = (reason: string) =>
    finish("not-run", present.result(tool.name, { kind: "refused", reason }));

  if (off) return refuse(`this tool is turned off on this server: ${off}. Nothing was sent to Contabo.`);
  const mailing = tool.mails?.(args);
  // Gives the e-mail slots back when the e-mail was not sent after all.
  let release = async () => {};
  try {
    const admitted = mailing === undefined ? undefined : await safety.limits.admit(mailing);
    if (admitted && !admitted.ok) return refuse(admitted.reason);
    if (admitted) release = admitted.release;
    if (confirm) {
      const token = typeof confirmationToken === "string" ? confirmationToken : undefined;
      const gate = await safety.gate.check(
        { tool: tool.name, args, caller: origin.caller, kinds: confirm.kinds(args) },
        token,
        () => confirm.preview(args, context),
        origin,
      );
      decision = gate.decision;
      if (!gate.proceed) {
        await release().catch(() => {});
        if ("ask" in gate) return finish("not-run", gate.ask);
        if ("error" in gate) return refuse(gate.error);
        return finish(
          "not-run",
          present.result(tool.name, { kind: "answered", structured: gate.structured }),
        );
      }
    }
    const output = await tool.run(args, context);
    return finish("ok", present.result(tool.name, { kind: "ok", output }), present.requestIdOf(output));
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      decision = "refused";
      return refuse(`${error.message}. Nothing was sent to Contabo.`);
    }
    // An e-mail may have gone out when the request was sent but its answer lost: keep the slot then.
    if (!present.mayHaveReached(error)) await release().catch(() => {});
    return finish(
      "error",
      present.result(tool.name, { kind: "failed", error }),
      present.requestIdOf(error),
      error,
    );
  }
}

/** The text of an error result, for the audit line. */
function errorTextOf(result: CallToolResult | InputRequiredResult): string | undefined {
  if (!("isError" in result) || !result.isError) return undefined;
  const first = (result as CallToolResult).content[0];
  return first?.type === "text" ? first.text : undefined;
}
