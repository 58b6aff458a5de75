import { z } from "zod";
import { wholeNumber } from "./common.js";
import { pagingQuerySchema } from "./envelopes.js";
import { openEnum, type RecordKind, tolerantListEnvelope, unknownValue } from "./tolerant-records.js";

export const AUDIT_ACTIONS = ["CREATED", "UPDATED", "DELETED"] as const;

/** `UserAuditResponse`: one change to a user, who made it and with which request. */
export const userAuditSchema = z.object({
  id: wholeNumber,
  action: openEnum(AUDIT_ACTIONS),
  timestamp: z.string(),
  tenantId: z.string(),
  customerId: z.string(),
  changedBy: z.string(),
  username: z.string(),
  requestId: z.string(),
  traceId: z.string(),
  userId: z.string(),
  changes: z.record(z.string(), z.unknown()).optional(),
});
export type UserAudit = z.infer<typeof userAuditSchema>;

export const userAuditRecords: RecordKind<UserAudit> = {
  noun: "audit",
  idField: "id",
  schema: userAuditSchema,
  oddities: (audit) => unknownValue("action", AUDIT_ACTIONS, audit.action),
};

export const listUserAuditResponseSchema = tolerantListEnvelope(userAuditRecords);

/** Query of GET /v1/users/audits; dates are `format: date` (YYYY-MM-DD). */
export const userAuditQuerySchema = pagingQuerySchema.extend({
  userId: z.string().optional(),
  requestId: z.string().optional(),
  changedBy: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
});
export type UserAuditQuery = z.infer<typeof userAuditQuerySchema>;
