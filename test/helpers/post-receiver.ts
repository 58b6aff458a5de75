import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

/**
 * A loopback listener that keeps the body of every POST it receives, in order; `next()` awaits the
 * next one not yet taken, as a signal. Closed when the test finishes.
 */
export async function postReceiver(): Promise<{ url: string; bodies: string[]; next(): Promise<string> }> {
  const bodies: string[] = [];
  const waiting: Array<(body: string) => void> = [];
  let taken = 0;
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on("end", () => {
      res.writeHead(204).end();
      bodies.push(text);
      const next = waiting.shift();
      if (next) {
        taken++;
        next(text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    bodies,
    next: () => {
      const known = bodies[taken];
      if (known !== undefined) {
        taken++;
        return Promise.resolve(known);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
