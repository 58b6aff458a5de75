// What `npm publish` would ship, checked without publishing (CI): the CLI, its chunks, the README,
// the licence, package.json; nothing from src/, test/ or the development tooling.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const output = execFileSync("npm", ["publish", "--dry-run", "--json"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "ignore"],
});
const report = JSON.parse(output);
const published = report["contabo-users-mcp"] ?? report;
const files = published.files.map((file) => file.path);
const problems = [];
for (const required of [
  "package.json",
  "README.md",
  "LICENSE",
  "dist/package/cli.js",
  "dist/package/THIRD_PARTY_NOTICES.md",
]) {
  if (!files.includes(required)) problems.push(`missing: ${required}`);
}
const allowed = /^(package\.json|README\.md|LICENSE|THIRD_PARTY_NOTICES(\.md)?|dist\/package\/.+)$/;
for (const file of files) if (!allowed.test(file)) problems.push(`not meant to be published: ${file}`);
// The notices name what is bundled: at least the packages every start loads.
const notices = readFileSync("dist/package/THIRD_PARTY_NOTICES.md", "utf8");
for (const name of ["zod", "undici", "uuid", "@modelcontextprotocol/server"]) {
  if (!notices.includes(`## ${name} `)) problems.push(`THIRD_PARTY_NOTICES.md does not name ${name}`);
}
if (problems.length > 0) {
  console.error(`npm publish --dry-run would publish a wrong package:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `npm publish --dry-run: ${files.length} files, ${(published.size / 1024).toFixed(0)} kB packed, ${(published.unpackedSize / 1024).toFixed(0)} kB unpacked`,
);
