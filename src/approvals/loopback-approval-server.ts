import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../shared/log.js";
import type { ApprovalRoutes } from "./approval-routes.js";

/**
 * The approval pages of a stdio server: on 127.0.0.1 at a port the system picks, started when the
 * first approval needs it. Only requests naming exactly that address in Host are served (a page
 * of another site reaching it through DNS rebinding names its own host), and only /approvals.
 */
export class LoopbackApprovalServer {
  private server: Server | undefined;
  private listening: Promise<string> | undefined;
  private address: string | undefined;

  constructor(
    private readonly routes: () => Promise<ApprovalRoutes>,
    private readonly logger: Logger,
  ) {}

  /** http://127.0.0.1:PORT, once listening. */
  origin(): Promise<string> {
    // A failed start is not remembered: the next approval tries again.
    this.listening ??= this.start().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  /** The origin, for pages already served (they exist only once it listens). */
  knownOrigin(): string {
    return this.address ?? "http://127.0.0.1";
  }

  private async start(): Promise<string> {
    // node:http is loaded with the first approval, not at every start of a stdio server.
    const { createServer } = await import("node:http");
    const routes = await this.routes();
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://loopback").pathname;
      if (req.headers.host !== this.address?.slice("http://".length) || !routes.owns(path)) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
        res.end("Not found\n");
        return;
      }
      routes.handle(req, res).catch((error: unknown) => {
        this.logger.error("approval page failed", {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal error\n");
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        this.address = `http://127.0.0.1:${port}`;
        // Never keeps the process alive by itself: the stdio transport decides when it ends.
        server.unref();
        this.logger.info("approval pages listening on loopback", { port });
        resolve(this.address);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
