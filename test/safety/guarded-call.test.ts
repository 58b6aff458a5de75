/**
 * The one path of a tool call (src/safety/guarded-call.ts), unit by unit: the decision it audits,
 * when it audits, and when it gives an e-mail slot back. A stand-in tool runs in place of a
 * Contabo call; the safety layer, its store and the presenter are the real ones.
 */
import { describe, expect, it } from "vitest";
import { ContaboApiError, ContaboNetworkError } from "../../src/client/errors.js";
import type { CallOrigin } from "../../src/safety/confirmation.js";
import { type GuardedTool, guardedCall } from "../../src/safety/guarded-call.js";
import { createSafety, type SafetyConfig } from "../../src/safety/index.js";
import { silentLogger } from "../../src/shared/log.js";
import { callPresenter } from "../../src/tools/call-presenter.js";

type Args = { userId?: string; confirmationToken?: string };
type Context = { signal: AbortSignal };

const origin: CallOrigin = { caller: "stdio", client: { form: false, url: false } };

function setUp(
  config: SafetyConfig = {},
  tools: { name: string; annotations: { readOnlyHint: boolean } }[] = [],
) {
  const audit: Record<string, unknown>[] = [];
  const safety = createSafety(
    { ...config, auditSink: (line) => audit.push(JSON.parse(line) as Record<string, unknown>) },
    tools,
  );
  const call = (tool: GuardedTool<Args, Context>, args: Args) =>
    guardedCall(
      tool,
      args,
      { signal: new AbortController().signal },
      origin,
      safety,
      callPresenter(safety.redactor),
      silentLogger,
    );
  return { audit, call };
}

/** A stand-in write that e-mails the user, as reset_password does; `outcomes` says how each run ends. */
function mailingWrite(outcomes: Array<"ok" | Error>): GuardedTool<Args, Context> & { runs: number } {
  const tool = {
    name: "reset_password",
    annotations: { readOnlyHint: false },
    auditTarget: ["userId"],
    runs: 0,
    mails: (args: Args) => (args.userId ? { to: args.userId } : undefined),
    run: async () => {
      const outcome = outcomes[tool.runs++] ?? "ok";
      if (outcome instanceof Error) throw outcome;
      return { ok: true, requestId: "r-1" };
    },
  };
  return tool;
}

describe("the guarded call", () => {
  it("refuses a tool turned off without running it, and audits the refusal", async () => {
    const tool = mailingWrite([]);
    const read = { name: "retrieve_user", annotations: { readOnlyHint: true } };
    const { audit, call } = setUp({ readOnly: true }, [tool, read]);
    const result = await call(tool, { userId: "u-1" });
    expect(result).toMatchObject({ isError: true });
    expect(tool.runs).toBe(0);
    expect(audit).toMatchObject([
      { tool: "reset_password", decision: "refused", outcome: "not-run", target: { userId: "u-1" } },
    ]);
  });

  it("audits a write that ran with its target and request id; a plain read is not audited", async () => {
    const tool = mailingWrite(["ok"]);
    const read: GuardedTool<Args, Context> = {
      name: "retrieve_user",
      annotations: { readOnlyHint: true },
      auditTarget: ["userId"],
      run: async () => ({ user: {}, requestId: "r-2" }),
    };
    const { audit, call } = setUp({}, [tool, read]);
    await call(tool, { userId: "u-1" });
    await call(read, { userId: "u-1" });
    expect(audit).toMatchObject([
      {
        tool: "reset_password",
        decision: "not-required",
        outcome: "ok",
        requestId: "r-1",
        target: { userId: "u-1" },
      },
    ]);
  });

  it("takes an e-mail slot per recipient and refuses the second e-mail within the minute", async () => {
    const tool = mailingWrite(["ok", "ok"]);
    const { call } = setUp({ emailsPerUserPerMinute: 1 }, [tool]);
    await call(tool, { userId: "u-1" });
    const second = await call(tool, { userId: "u-1" });
    expect(second).toMatchObject({ isError: true });
    expect(tool.runs).toBe(1);
    // Another recipient has a slot of their own.
    await call(tool, { userId: "u-2" });
    expect(tool.runs).toBe(2);
  });

  it("gives the slot back when the API refused the call (no e-mail went out)", async () => {
    const refused = new ContaboApiError(400, "bad", "POST /v1/users/u-1/reset-password", "r-3");
    const tool = mailingWrite([refused, "ok"]);
    const { call } = setUp({ emailsPerUserPerMinute: 1 }, [tool]);
    expect(await call(tool, { userId: "u-1" })).toMatchObject({ isError: true });
    await call(tool, { userId: "u-1" });
    expect(tool.runs).toBe(2);
  });

  it("keeps the slot when the answer was lost (the e-mail may have gone out)", async () => {
    const lost = new ContaboNetworkError("socket hang up", "POST /v1/users/u-1/reset-password");
    const tool = mailingWrite([lost, "ok"]);
    const { call } = setUp({ emailsPerUserPerMinute: 1 }, [tool]);
    expect(await call(tool, { userId: "u-1" })).toMatchObject({ isError: true });
    expect(await call(tool, { userId: "u-1" })).toMatchObject({ isError: true });
    expect(tool.runs).toBe(1);
  });

  it("in token mode answers with a preview and token instead of running, and runs with the token", async () => {
    const tool: GuardedTool<Args, Context> & { runs: number } = {
      name: "delete_user",
      annotations: { readOnlyHint: false },
      auditTarget: ["userId"],
      runs: 0,
      run: async () => {
        tool.runs++;
        return { ok: true, requestId: "r-4" };
      },
      confirm: {
        when: () => true,
        kinds: () => ["delete-user"],
        preview: async (args) => ({
          action: `Delete ${args.userId}`,
          target: { userId: args.userId ?? "" },
          fingerprint: "f-1",
        }),
      },
    };
    const { audit, call } = setUp({ confirmMode: "token" }, [tool]);
    const first = (await call(tool, { userId: "u-1" })) as {
      structuredContent?: { confirmationToken?: string };
    };
    const token = first.structuredContent?.confirmationToken;
    expect(token).toEqual(expect.any(String));
    expect(tool.runs).toBe(0);
    await call(tool, { userId: "u-1", confirmationToken: token });
    expect(tool.runs).toBe(1);
    expect(audit.map((line) => line.decision)).toEqual(["asked", "confirmed"]);
  });
});
