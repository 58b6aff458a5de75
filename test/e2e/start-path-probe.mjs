// Preloaded (--import) into the server under test by start-path.test.ts: on exit, writes to stderr
// every module file the server loaded and every Node built-in, as one JSON line.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on("message", (url) => loaded.push(url));
port1.unref();
const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) {
  if (url.startsWith("file:")) port.postMessage(url);
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  data: { port: port2 },
  transferList: [port2],
});
process.on("exit", () => {
  const builtins = process.moduleLoadList
    .filter((name) => name.startsWith("NativeModule "))
    .map((name) => name.slice(13));
  process.stderr.write(`START-PATH ${JSON.stringify({ loaded, builtins })}\n`);
});
