/**
 * The confirmation gate's approval paths, driven directly (no MCP, no HTTP): each answer, request
 * state and approval acts at most once, only on a person's yes. These are the replays and races a
 * review found; each was a way to run a call nobody approved, or to run it twice.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_FOUR_EYES } from "../../src/safety/approval-policy.js";
import { ApprovalBook } from "../../src/safety/approvals.js";
import { type ApprovalDesk, type CallOrigin, ConfirmationGate } from "../../src/safety/confirmation.js";
import { ConfirmationSigner } from "../../src/safety/confirmation-signer.js";
import { MemorySafetyStore } from "../../src/safety/safety-store.js";

const call = {
  tool: "delete_user",
  args: { userId: "u-1" },
  caller: "http:alice",
  kinds: ["delete-user"] as const,
};
const preview = async () => ({
  action: 'Delete "eve@example.com".',
  target: { userId: "u-1" },
  fingerprint: "state-1",
  typeToConfirm: { label: "e-mail", value: "eve@example.com" },
});

function setup({ team = false } = {}) {
  const store = new MemorySafetyStore();
  const seal = new ConfirmationSigner({ key: "k".repeat(40) });
  const book = new ApprovalBook(store, (label, value) => seal.keyedDigest(label, value));
  const desk: ApprovalDesk = {
    team,
    canOpenBrowser: true,
    link: async (approval, secret) =>
      `http://127.0.0.1:1/approvals/${approval.id}${secret ? `?key=${secret}` : ""}`,
    openInBrowser: async () => true,
    announce: async () => {},
  };
  const gate = new ConfirmationGate("auto", seal, store, {
    book,
    desk,
    fourEyes: DEFAULT_FOUR_EYES,
    waitMs: 0,
  });
  const urlClient: CallOrigin = { caller: call.caller, subject: "alice", client: { form: false, url: true } };
  return { gate, book, urlClient };
}

/** The first round: the gate asks for the page by URL elicitation; the request state and approval id. */
async function asked(gate: ConfirmationGate, book: ApprovalBook, origin: CallOrigin) {
  const first = await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, origin);
  if (!("ask" in first)) throw new Error("no input_required");
  const state = first.ask.requestState;
  const approval = await book.forCall(call);
  if (!approval || typeof state !== "string") throw new Error("no approval");
  return { state, approval };
}

const answer = (action: "accept" | "decline") => ({
  confirm: { action, ...(action === "accept" ? { content: {} } : {}) },
});
const bob = { who: "oidc:bob", subject: "bob", via: "sign-in" as const };

describe("the gate's approval paths", () => {
  it("an approved call runs once: the same request state sent again acts on nothing", async () => {
    const { gate, book, urlClient } = setup();
    const { state, approval } = await asked(gate, book, urlClient);
    await book.decide(approval.id, "approved", bob, "eve@example.com");
    const round = { ...urlClient, requestState: state, inputResponses: answer("accept") };
    expect((await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round)).proceed).toBe(
      true,
    );
    const replay = await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round);
    expect(replay).toMatchObject({ proceed: false, decision: "refused" });
  });

  it("a declined call never runs, even when its request state is sent again", async () => {
    const { gate, book, urlClient } = setup();
    const { state, approval } = await asked(gate, book, urlClient);
    await book.decide(approval.id, "declined", bob);
    const round = { ...urlClient, requestState: state, inputResponses: answer("accept") };
    expect(await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round)).toMatchObject({
      proceed: false,
      decision: "declined",
    });
    expect((await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round)).proceed).toBe(
      false,
    );
  });

  it("an approval withdrawn by a repeated call is void for the old request state", async () => {
    const { gate, book, urlClient } = setup();
    const { state } = await asked(gate, book, urlClient);
    // The model calls again: the old link's page is replaced by a fresh one.
    await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, urlClient);
    const round = { ...urlClient, requestState: state, inputResponses: answer("accept") };
    expect((await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round)).proceed).toBe(
      false,
    );
  });

  it("a no at the client declines the approval, four eyes or not, and is never overruled", async () => {
    const { gate, book, urlClient } = setup({ team: true });
    const { state, approval } = await asked(gate, book, urlClient);
    const round = { ...urlClient, requestState: state, inputResponses: answer("decline") };
    expect(await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round)).toMatchObject({
      proceed: false,
      decision: "declined",
    });
    expect((await book.get(approval.id))?.decision).toBe("declined");
    expect((await book.decide(approval.id, "approved", bob, "eve@example.com")).ok).toBe(false);
  });

  it("a no at the client wins over an approval given meanwhile", async () => {
    const { gate, book, urlClient } = setup({ team: true });
    const { state, approval } = await asked(gate, book, urlClient);
    await book.decide(approval.id, "approved", bob, "eve@example.com");
    const round = { ...urlClient, requestState: state, inputResponses: answer("decline") };
    expect((await gate.check({ ...call, kinds: [...call.kinds] }, undefined, preview, round)).proceed).toBe(
      false,
    );
    // And the approval is spent: a repeated call asks afresh instead of acting on it.
    expect((await book.get(approval.id))?.status).toBe("used");
  });
});
