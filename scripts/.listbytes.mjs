import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
const client = new Client({ name: "m", version: "1" });
await client.connect(new StdioClientTransport({ command: process.execPath, args: ["dist/package/cli.js", "--sandbox"], stderr: "ignore" }));
const { tools } = await client.listTools();
const total = Buffer.byteLength(JSON.stringify({ tools }));
const parts = {};
for (const t of tools) for (const k of Object.keys(t)) parts[k] = (parts[k] ?? 0) + Buffer.byteLength(JSON.stringify(t[k]));
console.log(total, Math.round(total / 4), JSON.stringify(parts));
if (process.argv[2]) for (const t of tools) console.log(t.name, Buffer.byteLength(JSON.stringify(t)), JSON.stringify(t.inputSchema).length, JSON.stringify(t.outputSchema).length);
await client.close();
if (process.argv[2] === "d") {
  for (const t of tools) {
    console.log(`${t.name} [${t.description.length}]: ${t.description}`);
    for (const [k, v] of Object.entries(t.inputSchema.properties ?? {})) if (v.description) console.log(`   ${k} [${v.description.length}]: ${v.description}`);
  }
}
