/**
 * Attacks on the approval pages, each against the real loopback page server and the sandbox: the
 * call waits on the stdio channel (the opener hands the link to the test), and the test plays the
 * attacker with plain HTTP, or a real chromium where rendering matters.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ApprovalSetup, approvalSetup, PageVisit } from "../helpers/approvals.js";
import { browserPage, closeBrowser } from "../helpers/browser.js";
import { callTool, connectClient, textOf } from "../helpers/mcp.js";
import { apiRequests } from "../helpers/sandbox.js";

afterAll(closeBrowser);

interface ListedUser {
  userId: string;
  email: string;
  owner: boolean;
}

async function waitingDelete(setup: ApprovalSetup) {
  const client = await connectClient(setup.contabo.api, { safety: setup.safety });
  const { users } = await callTool<{ users: ListedUser[] }>(client, "retrieve_user_list", { size: 10 });
  const target = users.find((user) => !user.owner) as ListedUser;
  const seen: string[] = [];
  client.setNotificationHandler("notifications/message", (notification) => {
    seen.push(JSON.stringify(notification));
  });
  const result = client
    .callTool(
      { name: "delete_user", arguments: { userId: target.userId } },
      { onprogress: (p) => seen.push(JSON.stringify(p)) },
    )
    .then((answer) => {
      seen.push(JSON.stringify(answer));
      return answer;
    });
  const link = await setup.nextOpened();
  const stillThere = async () =>
    !(await client.callTool({ name: "retrieve_user", arguments: { userId: target.userId } })).isError;
  return { client, target, result, link, seen, stillThere };
}

async function statusOf(setup: ApprovalSetup, link: string): Promise<string | undefined> {
  const id = new URL(link).pathname.split("/").pop() ?? "";
  return (await setup.safety.approvals?.get(id))?.status;
}

describe("approval page attacks", () => {
  it("a model that reads every tool result, log and progress notification and resource never sees the secret", async () => {
    const setup = await approvalSetup();
    const run = await waitingDelete(setup);
    const key = new URL(run.link).searchParams.get("key") ?? "";
    const visit = await PageVisit.open(run.link);
    expect((await visit.approve(run.target.email)).status).toBe(303);
    const answer = await run.result;
    expect(answer.isError, textOf(answer as never)).toBeFalsy();
    const { resources } = await run.client.listResources();
    const templates = await run.client.listResourceTemplates();
    const read = await Promise.all(
      resources.slice(0, 5).map((resource) => run.client.readResource({ uri: resource.uri })),
    );
    const everything = [
      ...run.seen,
      JSON.stringify(resources),
      JSON.stringify(templates),
      JSON.stringify(read),
    ].join("\n");
    expect(key.length).toBeGreaterThanOrEqual(40);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(new URL(run.link).pathname);
  });

  it("pages run no script, cannot be framed, send no referrer, are never cached, and hold no secret", async () => {
    const setup = await approvalSetup({ waitMs: 1_000 });
    const run = await waitingDelete(setup);
    const key = new URL(run.link).searchParams.get("key") ?? "";
    const visit = await PageVisit.open(run.link);
    const response = await fetch(visit.page, { headers: { cookie: visit.cookie } });
    const html = await response.text();
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    expect(html).not.toContain(key);
    await run.result;
  });

  it("a second identical call replaces the page, and the first call then acts on nothing", async () => {
    const setup = await approvalSetup();
    const first = await waitingDelete(setup);
    const second = first.client.callTool({ name: "delete_user", arguments: { userId: first.target.userId } });
    const fresh = await setup.nextOpened();
    const firstAnswer = await first.result;
    expect(firstAnswer.isError).toBe(true);
    expect(textOf(firstAnswer as never)).toContain("used already");
    expect(await first.stillThere()).toBe(true);
    // The old link is void; the fresh one approves the second call, which deletes once.
    const old = await PageVisit.open(first.link);
    expect(await old.html()).toContain("withdrawn");
    expect([403, 409]).toContain((await old.approve(first.target.email)).status);
    expect((await (await PageVisit.open(fresh)).approve(first.target.email)).status).toBe(303);
    expect((await second).isError).toBeFalsy();
    expect(apiRequests(setup.sandbox).filter((request) => request.method === "DELETE")).toHaveLength(1);
  });

  it("the link opens its page once: a copied link (a process list, a history) opens nothing", async () => {
    const setup = await approvalSetup({ waitMs: 1_000 });
    const run = await waitingDelete(setup);
    await PageVisit.open(run.link);
    const again = await fetch(run.link, { redirect: "manual" });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain("opened already");
    await run.result;
  });

  it("a GET of the approve URL, with any query, changes nothing", async () => {
    const setup = await approvalSetup({ waitMs: 2_000 });
    const run = await waitingDelete(setup);
    const visit = await PageVisit.open(run.link);
    for (const query of [
      "",
      "?decision=approve",
      `?decision=approve&csrf=x&typed=${encodeURIComponent(run.target.email)}`,
    ]) {
      const response = await fetch(`${visit.page}${query}`, { headers: { cookie: visit.cookie } });
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
    expect(await statusOf(setup, run.link)).toBe("pending");
    const answer = await run.result;
    expect(JSON.stringify(answer.structuredContent)).toContain("call delete_user again");
    expect(await run.stillThere()).toBe(true);
  });

  it("a cross-origin POST without the CSRF token changes nothing, nor one with the token from another site", async () => {
    const setup = await approvalSetup({ waitMs: 2_000 });
    const run = await waitingDelete(setup);
    const visit = await PageVisit.open(run.link);
    const csrf = await visit.csrf();
    const forged = [
      visit.post(
        { decision: "approve", typed: run.target.email },
        { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
      ),
      visit.post({ decision: "approve", typed: run.target.email }),
      visit.post(
        { csrf, decision: "approve", typed: run.target.email },
        { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
      ),
      visit.post(
        { csrf, decision: "approve", typed: run.target.email },
        { origin: "null", "sec-fetch-site": "cross-site" },
      ),
    ];
    for (const response of await Promise.all(forged)) expect(response.status).toBe(403);
    // Without the page's cookie (another browser, or a site that cannot send it), not even the token helps.
    const cookieless = await fetch(visit.page, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, decision: "approve", typed: run.target.email }).toString(),
    });
    expect(cookieless.status).toBe(403);
    expect(await statusOf(setup, run.link)).toBe("pending");
    await run.result;
    expect(await run.stillThere()).toBe(true);
  });

  it("a second approval of the same id changes nothing, and 100 concurrent approvals make exactly one change", async () => {
    const setup = await approvalSetup();
    const run = await waitingDelete(setup);
    const visit = await PageVisit.open(run.link);
    const csrf = await visit.csrf();
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => visit.post({ csrf, decision: "approve", typed: run.target.email })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(99);
    const answer = await run.result;
    expect(answer.isError).toBeFalsy();
    expect((await visit.post({ csrf, decision: "approve", typed: run.target.email })).status).not.toBe(303);
    const deletes = apiRequests(setup.sandbox).filter((request) => request.method === "DELETE");
    expect(deletes).toHaveLength(1);
  });

  it("an approval given after the target changed changes nothing", async () => {
    const setup = await approvalSetup();
    const run = await waitingDelete(setup);
    await setup.contabo.api.updateUser(run.target.userId, { firstName: "Changed-meanwhile" });
    const visit = await PageVisit.open(run.link);
    expect((await visit.approve(run.target.email)).status).toBe(303);
    const answer = await run.result;
    expect(answer.isError).toBe(true);
    expect(textOf(answer as never)).toContain("The target changed");
    expect(await run.stillThere()).toBe(true);
  });

  it("a name with line breaks or right-to-left characters cannot fake a line on the page", async () => {
    const setup = await approvalSetup({ waitMs: 1_000 });
    const created = await setup.contabo.api.createUser({
      email: "eve@example.com",
      firstName: "Eve\n- roles: none (approved by the security team)",
      lastName: "\u202Etxt.exe\u2066 ok",
      enabled: true,
      totp: false,
      locale: "en",
      roles: [],
    });
    const userId = created.body.data[0]?.userId ?? "";
    const client = await connectClient(setup.contabo.api, { safety: setup.safety });
    const pending = client.callTool({ name: "delete_user", arguments: { userId } });
    const link = await setup.nextOpened();
    const page = await browserPage();
    await page.goto(link);
    const html = await page.content();
    expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    const rows = await page.locator("table tr").allTextContents();
    // One row per detail; the fake "roles" line stays inside the name's cell, escaped and quoted.
    expect(rows.filter((row) => row.startsWith("roles"))).toHaveLength(1);
    const nameRow = rows.find((row) => row.startsWith("name")) ?? "";
    expect(nameRow).toContain("\\n- roles: none");
    expect(nameRow).toContain("\\u{202e}");
    const action = (await page.locator(".action").textContent()) ?? "";
    expect(action).not.toContain("\n");
    await pending;
  });
});
