import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { userId } from "./fields.js";
import { onlyItem } from "./only-item.js";

export const retrieveUserIsPasswordSet = defineTool({
  name: "retrieve_user_is_password_set",
  input: z.strictObject({ userId: userId.optional().describe("Default: the caller.") }),
  output: z.object({ isPasswordSet: z.boolean(), requestId: z.string() }),
  run: async (query, { api, signal }) => {
    const result = await api.retrieveUserIsPasswordSet(query, { signal });
    const { isPasswordSet } = onlyItem(result, "password status");
    return { isPasswordSet, requestId: result.requestId };
  },
});
