/**
 * The policy table, read as a person would check it: which channel each mode and client gets, and
 * that four eyes (team mode) never fall back to a form the caller could answer.
 */
import { describe, expect, it } from "vitest";
import {
  ACTION_KINDS,
  type ChannelFacts,
  channelFor,
  DEFAULT_FOUR_EYES,
  parseFourEyes,
} from "../../src/safety/approval-policy.js";
import { approvalSetup } from "../helpers/approvals.js";
import { callTool, callToolError, connectClient, connectToSandbox } from "../helpers/mcp.js";

const none: ChannelFacts = { form: false, url: false, pages: false, browser: false, team: false };

describe("channelFor", () => {
  it("prefers URL elicitation, then the form, then the browser (stdio) or the team's page", () => {
    expect(channelFor("auto", { ...none, url: true, form: true, pages: true }, false)).toBe(
      "url-elicitation",
    );
    expect(channelFor("auto", { ...none, form: true, pages: true, browser: true }, false)).toBe(
      "form-elicitation",
    );
    expect(channelFor("auto", { ...none, pages: true, browser: true }, false)).toBe("browser");
    expect(channelFor("auto", { ...none, pages: true, team: true }, false)).toBe("approval-page");
    expect(channelFor("auto", none, false)).toBeUndefined();
  });

  it("four eyes skip the form: the second person approves on the page", () => {
    expect(channelFor("auto", { ...none, form: true, pages: true, team: true }, true)).toBe("approval-page");
    expect(channelFor("elicit", { ...none, form: true, pages: true, team: true }, true)).toBeUndefined();
    expect(channelFor("elicit", { ...none, url: true, pages: true, team: true }, true)).toBe(
      "url-elicitation",
    );
  });

  it("elicit mode never opens a browser; token and off are the operator's choice", () => {
    expect(channelFor("elicit", { ...none, pages: true, browser: true }, false)).toBeUndefined();
    expect(channelFor("token", none, false)).toBe("token");
    expect(channelFor("off", none, true)).toBe("none");
  });

  it("--four-eyes reads kinds, default and none, and refuses unknown kinds", () => {
    expect(parseFourEyes(undefined)).toEqual(DEFAULT_FOUR_EYES);
    expect(parseFourEyes("none")).toEqual([]);
    expect(parseFourEyes("delete-user, grant-roles")).toEqual(["delete-user", "grant-roles"]);
    expect(() => parseFourEyes("delete-user,drop-tables")).toThrow(/drop-tables/);
  });
});

describe("auth_status reports the channel each kind would use for this client", () => {
  it("a client without elicitation on stdio gets the browser", async () => {
    const setup = await approvalSetup();
    const client = await connectClient(setup.contabo.api, { safety: setup.safety });
    const status = await callTool<{ confirmChannels: Record<string, string> }>(client, "auth_status");
    expect(Object.keys(status.confirmChannels).sort()).toEqual([...ACTION_KINDS].sort());
    expect(new Set(Object.values(status.confirmChannels))).toEqual(new Set(["browser"]));
  });

  it("a client with URL elicitation gets it; one with forms only, the form", async () => {
    const setup = await approvalSetup();
    const url = await connectClient(setup.contabo.api, {
      safety: setup.safety,
      capabilities: { elicitation: { url: {} } },
      elicit: () => ({ action: "decline" }),
    });
    const form = await connectClient(setup.contabo.api, {
      safety: setup.safety,
      elicit: () => ({ action: "decline" }),
    });
    const viaUrl = await callTool<{ confirmChannels: Record<string, string> }>(url, "auth_status");
    const viaForm = await callTool<{ confirmChannels: Record<string, string> }>(form, "auth_status");
    expect(viaUrl.confirmChannels["delete-user"]).toBe("url-elicitation");
    expect(viaForm.confirmChannels["delete-user"]).toBe("form-elicitation");
  });

  it("when no browser can be started, the call is refused, saying what would work, and nothing is sent", async () => {
    const setup = await approvalSetup({ opens: false });
    const client = await connectClient(setup.contabo.api, { safety: setup.safety });
    const user = [...setup.sandbox.state.users.values()].find((candidate) => !candidate.owner);
    const text = await callToolError(client, "delete_user", { userId: user?.userId });
    expect(text).toContain("no browser could be opened");
    expect(text).toContain("URL elicitation");
    expect(setup.sandbox.state.users.has(user?.userId ?? "")).toBe(true);
    // The page nobody can reach is closed at once.
    expect(await setup.safety.approvals?.pending()).toHaveLength(0);
  });

  it("without approval pages and elicitation, every kind is refused", async () => {
    const { client } = await connectToSandbox();
    const status = await callTool<{ confirmChannels: Record<string, string> }>(client, "auth_status");
    expect(new Set(Object.values(status.confirmChannels))).toEqual(new Set(["refused"]));
  });
});
