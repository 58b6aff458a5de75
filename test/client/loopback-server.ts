import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body: string;
}

/** Answers one request, now or later: the response stays open until `end` is called on it. */
export type LoopbackHandler = (request: ReceivedRequest, response: ServerResponse) => void;

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  /** Every request received, oldest first. */
  received: ReceivedRequest[];
  /** Resolves once `count` requests have arrived in all; rejects if they have not after `timeoutMs`. */
  arrivals(count: number, timeoutMs?: number): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 for one test, closed (with its connections) after it. */
export async function useLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const received: ReceivedRequest[] = [];
  const watchers = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        body: Buffer.concat(chunks).toString(),
      };
      received.push(request);
      handler(request, res);
      for (const watcher of watchers) watcher();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;

  const arrivals = (count: number, timeoutMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (received.length < count) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`expected ${count} requests in ${timeoutMs} ms, ${received.length} arrived`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  return { origin: `http://127.0.0.1:${port}`, received, arrivals };
}

export function replyJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
