/**
 * The spec's own example value for every query parameter of the Users API (extracted into
 * spec-query-examples.json by scripts/spec-query-examples.py) is never refused by the sandbox: an
 * example the spec documents must not be a 400 in our simulator.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SORT_NOTE_HEADER } from "../../src/sandbox/pagination.js";
import { useSandbox } from "../helpers/sandbox.js";
import { accessToken, call } from "./raw-http.js";

interface Example {
  method: string;
  path: string;
  name: string;
  example: string | number | boolean;
}

const { examples } = JSON.parse(
  readFileSync(new URL("./spec-query-examples.json", import.meta.url), "utf8"),
) as {
  examples: Example[];
};

/**
 * Operations of the spec's role section that no tool of this server calls, so the simulator does
 * not serve them (it answers 404 for the path, whatever the query).
 */
const NOT_SIMULATED = new Set(["GET /v1/roles/api-permissions", "GET /v1/roles/audits"]);

describe("sandbox: the spec's query examples", () => {
  const served = examples.filter((example) => !NOT_SIMULATED.has(`${example.method} ${example.path}`));

  it("covers every operation the sandbox serves", () => {
    const operations = new Set(served.map((example) => `${example.method} ${example.path}`));
    expect([...operations].sort()).toEqual([
      "GET /v1/roles",
      "GET /v1/users",
      "GET /v1/users/audits",
      "GET /v1/users/is-password-set",
      "GET /v1/users/{userId}/object-storages/credentials",
      "POST /v1/users/{userId}/resend-email-verification",
      "POST /v1/users/{userId}/reset-password",
    ]);
    expect(served).toHaveLength(30);
  });

  it.each(
    served.map(
      (example) => [`${example.method} ${example.path}?${example.name}=${example.example}`, example] as const,
    ),
  )("%s is not refused", async (_label, example) => {
    const sandbox = await useSandbox();
    const token = await accessToken(sandbox);
    const user = [...sandbox.state.users.values()].find((candidate) => !candidate.owner);
    const path = example.path.replace("{userId}", user?.userId ?? "");
    const query = new URLSearchParams({ [example.name]: String(example.example) });
    const response = await call(sandbox, token, example.method, `${path}?${query}`, {});
    // 404 is the simulator's answer to an id that names nothing here (the spec's example ids).
    expect([200, 204, 404], `${response.status}: ${response.text}`).toContain(response.status);
    if (response.status === 404) expect(example.example).toMatch(/^[0-9a-f-]{36}$/i);
  });

  it("sorts by the closest field when the records have no `name`, and says which", async () => {
    const sandbox = await useSandbox();
    const token = await accessToken(sandbox);
    const user = [...sandbox.state.users.values()][1];
    const credentials = await call(
      sandbox,
      token,
      "GET",
      `/v1/users/${user?.userId}/object-storages/credentials?orderBy=name:asc`,
      {},
    );
    expect(credentials.headers[SORT_NOTE_HEADER]).toBe("name:asc: sorted by displayName");
    const names = (credentials.json as { data: Array<{ displayName: string }> }).data.map(
      (c) => c.displayName,
    );
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const users = await call(sandbox, token, "GET", "/v1/users?orderBy=name:desc&size=100", {});
    expect(users.headers[SORT_NOTE_HEADER]).toBe("name:desc: sorted by firstName");
    const byPassword = await call(sandbox, token, "GET", "/v1/users?orderBy=password:asc", {});
    expect(byPassword.headers[SORT_NOTE_HEADER]).toBe("password:asc: ignored (no such field)");
    const roles = await call(sandbox, token, "GET", "/v1/roles?orderBy=name:asc&orderBy=colour:desc", {});
    expect(roles.status).toBe(200);
    expect(roles.headers[SORT_NOTE_HEADER]).toBe("colour:desc: ignored (no such field)");
  });
});
