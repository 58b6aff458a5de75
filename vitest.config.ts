import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // After every test file: its server logs and audit lines hold none of the sandbox's secrets.
    setupFiles: ["test/setup/log-scan.ts"],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Network tests use loopback only; nothing here may reach the internet.
    pool: "forks",
    // The soak test measures memory after a forced collection.
    execArgv: ["--expose-gc"],
  },
});
