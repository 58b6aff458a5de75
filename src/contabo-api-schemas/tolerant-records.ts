import { z } from "zod";
import { listMetadata, selfLinksSchema } from "./envelopes.js";

/**
 * Reading records tolerantly: one odd record must not fail a whole page. Enums are read open
 * (`openEnum`) and said so in `warnings`, names may be null; a record without its id is left out,
 * and said so too. A record with its id that still breaks the schema (a number for an e-mail) fails
 * the response, naming the field: that is a broken API, not an odd record. Requests stay strict:
 * this is for responses only.
 */

/**
 * An enum of the spec read open: any string (the API adds values), which `oddities` compares with
 * the spec's `values`. Read as a plain string: a union of the enum and a string accepts the same
 * values and has the same type, and it cost a union's work for every action of every permission
 * of every role of every user read.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(_values: T) {
  return z.string();
}

/** A name the spec requires in responses, though creating a user may omit it: null when absent. */
export const nullableName = z.string().nullable().default(null);

/** How to read and describe one kind of record. */
export interface RecordKind<T> {
  /** As a warning names it: "user", "role", "audit". */
  noun: string;
  /** The field without which the record cannot be used. */
  idField: string;
  schema: z.ZodType<T>;
  /** What is unusual about a record that was read (unknown enum values). */
  oddities(record: T): string[];
}

export interface RecordsRead<T> {
  records: T[];
  warnings: string[];
  /** The first problem of a record that has its id but breaks the schema, with its path from `data`. */
  broken?: { path: PropertyKey[]; message: string };
}

/** Reads each record on its own: odd ones come through with warnings, ones without id are left out. */
export function readRecords<T>(items: readonly unknown[], kind: RecordKind<T>): RecordsRead<T> {
  const records: T[] = [];
  const warnings: string[] = [];
  for (const [index, item] of items.entries()) {
    const id = idOf(item, kind.idField);
    if (id === undefined) {
      warnings.push(`a ${kind.noun} without ${kind.idField} was left out`);
      continue;
    }
    const parsed = kind.schema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        records,
        warnings,
        broken: { path: [index, ...(issue?.path ?? [])], message: issue?.message ?? "invalid" },
      };
    }
    records.push(parsed.data);
    warnings.push(...kind.oddities(parsed.data).map((oddity) => `${kind.noun} ${id}: ${oddity}`));
  }
  return { records, warnings: [...new Set(warnings)] };
}

/** The records of `data`, or the broken record's issue on the response (z.NEVER then). */
function recordsOf<T>(data: readonly unknown[], kind: RecordKind<T>, ctx: z.RefinementCtx) {
  const read = readRecords(data, kind);
  if (read.broken) {
    ctx.addIssue({ code: "custom", message: read.broken.message, path: ["data", ...read.broken.path] });
    return z.NEVER;
  }
  return read;
}

/** A list response read tolerantly: `{_pagination, data, _links, warnings}` (metadata as listMetadata reads it). */
export function tolerantListEnvelope<T>(kind: RecordKind<T>) {
  return z
    .object({ _pagination: z.unknown(), data: z.array(z.unknown()), _links: z.unknown() })
    .transform(({ _pagination, data, _links }, ctx) => {
      const { records, warnings } = recordsOf(data, kind, ctx);
      const metadata = listMetadata(_pagination, _links, data.length);
      return { ...metadata, data: records, warnings: [...metadata.warnings, ...warnings] };
    });
}

/** A single-object response read tolerantly: `{data, _links, warnings}` (data is an array). */
export function tolerantDataEnvelope<T>(kind: RecordKind<T>) {
  return z
    .object({ data: z.array(z.unknown()), _links: selfLinksSchema })
    .transform(({ data, ...envelope }, ctx) => {
      const { records, warnings } = recordsOf(data, kind, ctx);
      return { ...envelope, data: records, warnings };
    });
}

/** "unknown locale "fr"" for a value outside the spec's enum; nothing for a known one. */
export function unknownValue(what: string, known: readonly string[], value: string): string[] {
  return known.includes(value) ? [] : [`unknown ${what} ${JSON.stringify(value)}`];
}

function idOf(item: unknown, idField: string): string | undefined {
  if (typeof item !== "object" || item === null || !(idField in item)) return undefined;
  const id: unknown = (item as Record<string, unknown>)[idField];
  return (typeof id === "string" && id !== "") || typeof id === "number" ? String(id) : undefined;
}
