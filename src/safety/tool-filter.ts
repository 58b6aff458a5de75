/** What the filter reads of a tool. */
export interface SelectableTool {
  name: string;
  annotations: { readOnlyHint: boolean };
}

export interface ToolFilterOptions {
  /** Only tools with readOnlyHint; wins over the allowlist. */
  readOnly: boolean;
  /** Names or globs (`*`, `?`) of the tools to offer; all when absent. */
  allow?: readonly string[];
}

export interface ToolSelection {
  enabled: Set<string>;
  /** Why each other tool is off. */
  disabled: Map<string, string>;
}

/** Which tools this server offers: a registry filter, applied at listing and again at call time. */
export function selectTools(
  tools: readonly SelectableTool[],
  { readOnly, allow }: ToolFilterOptions,
): ToolSelection {
  if (allow !== undefined && allow.length === 0)
    throw new Error("--tools names no tool: give names or globs");
  const patterns = allow?.map((pattern) => ({ pattern, regex: globToRegExp(pattern) }));
  const unmatched = patterns?.filter(({ regex }) => !tools.some((tool) => regex.test(tool.name))) ?? [];
  if (unmatched.length > 0) {
    throw new Error(
      `--tools ${unmatched.map((p) => p.pattern).join(", ")} matches no tool (tools: ${tools.map((t) => t.name).join(", ")})`,
    );
  }
  const enabled = new Set<string>();
  const disabled = new Map<string, string>();
  for (const tool of tools) {
    if (readOnly && !tool.annotations.readOnlyHint) disabled.set(tool.name, "read-only mode (--read-only)");
    else if (patterns && !patterns.some(({ regex }) => regex.test(tool.name)))
      disabled.set(tool.name, "not in --tools");
    else enabled.add(tool.name);
  }
  if (enabled.size === 0) {
    // Only --read-only with --tools can get here: --tools alone always matches a tool.
    throw new Error(
      `--read-only with --tools ${allow?.join(",")} leaves no tool to offer (${[...disabled.keys()]
        .filter((name) => patterns?.some(({ regex }) => regex.test(name)))
        .join(", ")} can change data): drop --read-only, or name read-only tools such as retrieve_*`,
    );
  }
  return { enabled, disabled };
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}
