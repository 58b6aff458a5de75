import type { CallToolResult } from "@modelcontextprotocol/client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { LOCALES } from "../../src/contabo-api-schemas/common.js";
import type { ToolDefinition } from "../../src/tools/define-tool.js";
import { TOOLS } from "../../src/tools/registry.js";
import { connectToSandbox, textOf } from "../helpers/mcp.js";

/** Generated argument objects per tool: at least 1,000, about a third valid and two thirds invalid. */
const RUNS_PER_TOOL = 1_000;

/** Strings that have broken path handling elsewhere: traversal, encodings, separators, sizes. */
const NASTY_STRINGS = fc.constantFrom(
  "",
  " ",
  "../client/secret",
  "..%2Fclient%2Fsecret",
  "%2e%2e%2f%2e%2e%2f",
  "..\\..\\client",
  "/v1/users/client",
  "6cdf5968-f9fe-4192-97c2-f349e813c5e8/../../client",
  "6cdf5968-f9fe-4192-97c2-f349e813c5e8?x=1",
  "6cdf5968-f9fe-4192-97c2-f349e813c5e8#frag",
  "\u0000",
  "x".repeat(10_000),
  "null",
  "true",
  "1e3",
);

/** Values for each argument name, valid by construction (checked against the tool's schema below). */
const VALID_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  userId: fc.uuid(),
  objectStorageId: fc.uuid(),
  credentialId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  page: fc.integer({ min: 1, max: 1_000_000 }),
  size: fc.integer({ min: 1, max: 100 }),
  orderBy: fc.array(fc.constantFrom("email:asc", "lastName:DESC", "credentialId:desc", "displayName:ASC"), {
    maxLength: 5,
  }),
  email: fc.emailAddress({ size: "small" }),
  enabled: fc.boolean(),
  owner: fc.boolean(),
  totp: fc.boolean(),
  reveal: fc.boolean(),
  locale: fc.constantFrom(...LOCALES),
  firstName: fc.string({ minLength: 1, maxLength: 40 }),
  lastName: fc.string({ minLength: 1, maxLength: 40 }),
  // Role names of the sandbox's seed, and ids as strings (the ids the seed has, and others).
  roles: fc.array(
    fc.oneof(
      fc.constantFrom("Billing", "Read only", "infrastructure"),
      fc.integer({ min: 1, max: 200 }).map(String),
    ),
    { maxLength: 5 },
  ),
  role: fc.constantFrom("Billing", "read only", "101", "3"),
  emailVerified: fc.boolean(),
  countOnly: fc.boolean(),
  fields: fc.uniqueArray(
    fc.constantFrom(
      "userId",
      "email",
      "firstName",
      "lastName",
      "enabled",
      "totp",
      "emailVerified",
      "owner",
      "roles",
      "locale",
    ),
    { minLength: 1 },
  ),
  regionName: fc.constantFrom("European Union", "United States (Central)", "Asia (Singapore)"),
  displayName: fc.string({ minLength: 1, maxLength: 40 }),
  // Sent only to the allowed hosts (contabo.com by default): any path and query there.
  redirectUrl: fc
    .tuple(
      fc.constantFrom("contabo.com", "my.contabo.com", "a.b.contabo.com"),
      fc.webPath(),
      fc.webQueryParameters(),
    )
    .map(([host, path, query]) => `https://${host}${path}${query ? `?${query}` : ""}`),
  all: fc.boolean(),
  limit: fc.integer({ min: 1, max: 200 }),
  name: fc.string({ minLength: 1, maxLength: 40 }),
  apiName: fc.constantFrom("/v1/users", "/v1/compute/instances"),
  tagName: fc.string({ minLength: 1, maxLength: 20 }),
  type: fc.constantFrom("default", "custom"),
  roleId: fc.integer({ min: 1, max: 200 }),
  changedBy: fc.uuid(),
  requestId: fc.uuid(),
  startDate: day(),
  endDate: day(),
};

function day(): fc.Arbitrary<string> {
  return fc
    .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10));
}

/** The tool's input schema, from its implementation (test/setup/load-tools.ts loads them all). */
function inputOf(tool: ToolDefinition): z.ZodObject {
  const implementation = tool.loaded();
  if (!implementation) throw new Error(`${tool.name} is not loaded`);
  return implementation.input;
}

function validArgs(tool: ToolDefinition): fc.Arbitrary<Record<string, unknown>> {
  const shape = inputOf(tool).shape as Record<string, z.ZodType>;
  const fields = Object.fromEntries(
    Object.keys(shape).map((name) => {
      const arbitrary = VALID_FIELDS[name];
      if (!arbitrary) throw new Error(`no generator for ${tool.name}.${name}`);
      return [name, arbitrary];
    }),
  );
  const required = Object.keys(shape).filter((name) => !shape[name]?.safeParse(undefined).success);
  return fc
    .record(fields, { requiredKeys: required })
    .map((args) => Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)))
    .filter((args) => inputOf(tool).safeParse(args).success);
}

/** A value the field's schema refuses. */
function invalidValue(field: z.ZodType): fc.Arbitrary<unknown> {
  return fc
    .oneof(NASTY_STRINGS, fc.jsonValue(), fc.string(), fc.integer(), fc.double(), fc.constant(null))
    .filter((value) => value !== undefined && !field.safeParse(value).success);
}

interface InvalidCase {
  args: Record<string, unknown>;
  /** What the error must say: where the bad field is, or which key is unknown. */
  names: RegExp;
}

/** The SDK names a field as its path, `field: ` or `field.0: `, after the tool or another issue. */
function namesField(field: string): RegExp {
  return new RegExp(`(?:: |, )${field}(?:\\.\\d+)*: `);
}

function invalidArgs(tool: ToolDefinition): fc.Arbitrary<InvalidCase> {
  const shape = inputOf(tool).shape as Record<string, z.ZodType>;
  const names = Object.keys(shape);
  const required = names.filter((name) => !shape[name]?.safeParse(undefined).success);
  const valid = validArgs(tool);
  // A tool without arguments (auth_status) can only be given unknown ones.
  const badField =
    names.length === 0
      ? []
      : [
          fc.constantFrom(...names).chain((name) =>
            fc
              .tuple(valid, fc.constant(name), invalidValue(shape[name] as z.ZodType))
              .map(([args, field, value]) => ({
                args: { ...args, [field]: value },
                names: namesField(field),
              })),
          ),
        ];
  const unknownKey = fc
    .tuple(valid, fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{2,15}$/), fc.jsonValue())
    .filter(([, key]) => !names.includes(key))
    .map(([args, key, value]) => ({
      args: { ...args, [key]: value },
      names: new RegExp(`Unrecognized key: "${key}"`),
    }));
  const missing =
    required.length === 0
      ? []
      : [
          fc.tuple(valid, fc.constantFrom(...required)).map(([args, field]) => {
            const { [field]: _, ...rest } = args;
            return { args: rest, names: namesField(field) };
          }),
        ];
  return fc.oneof(unknownKey, ...badField, ...missing);
}

describe("generated inputs", () => {
  it.each(TOOLS.map((tool) => [tool.name, tool] as const))(
    `%s: ${RUNS_PER_TOOL} generated argument objects, never a crash; every invalid one refused, naming the field, before any request`,
    async (_name, tool) => {
      const { client, sandbox } = await connectToSandbox({
        safety: { confirmMode: "token", emailsPerUserPerMinute: 0 },
      });
      const cases = fc.oneof(
        {
          weight: 1,
          arbitrary: validArgs(tool).map((args) => ({ valid: true as const, args, names: /^$/ })),
        },
        { weight: 2, arbitrary: invalidArgs(tool).map((c) => ({ valid: false as const, ...c })) },
      );
      let valid = 0;
      let invalid = 0;
      await fc.assert(
        fc.asyncProperty(cases, async ({ valid: isValid, args, names }) => {
          const requestsBefore = sandbox.requestLog.length;
          const result = (await client.callTool({ name: tool.name, arguments: args })) as CallToolResult;
          const text = textOf(result);
          expect(text).not.toContain("failed unexpectedly");
          if (isValid) {
            valid++;
            expect(text).not.toContain("Input validation error");
          } else {
            invalid++;
            expect(result.isError, `accepted ${JSON.stringify(args).slice(0, 300)}`).toBe(true);
            expect(text).toContain("Input validation error");
            expect(text).toMatch(names);
            expect(sandbox.requestLog.length).toBe(requestsBefore);
          }
        }),
        { numRuns: RUNS_PER_TOOL, seed: 20261129 },
      );
      expect(valid + invalid).toBe(RUNS_PER_TOOL);
      expect(valid).toBeGreaterThan(RUNS_PER_TOOL / 5);
      expect(invalid).toBeGreaterThan(RUNS_PER_TOOL / 2);
    },
    120_000,
  );
});
