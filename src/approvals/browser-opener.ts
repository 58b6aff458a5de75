/** Opens a URL in the person's browser; false when none could be started. */
export type BrowserOpener = (url: string) => Promise<boolean>;

/** How long a launcher may take to say it failed (xdg-open exits once the browser has the URL). */
const LAUNCH_VERDICT_MS = 5_000;

/**
 * The person's browser: the BROWSER variable when set (commands separated by ":", "%s" standing for
 * the URL, as Python's webbrowser and xdg-open read it), else `open` (macOS), `start` (Windows) or
 * `xdg-open`. The URL is one argument, never passed through a shell; the launcher's output is
 * ignored, so nothing it prints reaches stdout (the stdio transport) or the logs.
 */
export function systemBrowserOpener(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): BrowserOpener {
  return async (url) => {
    for (const [command, ...args] of launchers(url, env, platform)) {
      if (command && (await launched(command, args))) return true;
    }
    return false;
  };
}

function launchers(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[][] {
  const chosen = env.BROWSER?.trim();
  if (chosen) {
    return chosen
      .split(":")
      .filter((entry) => entry.trim() !== "")
      .map((entry) => {
        const words = entry.trim().split(/\s+/);
        return words.some((word) => word.includes("%s"))
          ? words.map((word) => word.replaceAll("%s", url))
          : [...words, url];
      });
  }
  if (platform === "darwin") return [["open", url]];
  if (platform === "win32") return [["rundll32", "url.dll,FileProtocolHandler", url]];
  return [["xdg-open", url]];
}

/** Started, and did not fail at once: still running after a while, or exited 0. */
async function launched(command: string, args: string[]): Promise<boolean> {
  // node:child_process (and node:net with it) is loaded with the first launch, not at every start.
  const { spawn } = await import("node:child_process");
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "ignore", detached: true, windowsHide: true });
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, LAUNCH_VERDICT_MS);
    child.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
