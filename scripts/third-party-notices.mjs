// THIRD_PARTY_NOTICES.md for the bundle: every npm package whose code esbuild put into dist/package
// (from its metafile), with its version, licence and the text of its licence file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";

/** The package folder of a bundled file: the part of its path up to the package's name. */
function packageDirOf(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const nameParts = parts[at + 1]?.startsWith("@") ? 2 : 1;
  return parts.slice(0, at + 1 + nameParts).join(sep);
}

function licenceText(dir) {
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying|notice)(\..*)?$/i.test(name));
  return file ? readFileSync(join(dir, file), "utf8").trim() : undefined;
}

export function thirdPartyNotices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDirOf(input);
    if (dir && existsSync(join(dir, "package.json"))) dirs.add(dir);
  }
  const packages = [...dirs]
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const licence = typeof pkg.license === "string" ? pkg.license : (pkg.license?.type ?? "see below");
      return {
        name: pkg.name,
        version: pkg.version,
        licence,
        text: licenceText(dir) ?? licenceText(dirname(dir)),
      };
    })
    .filter((pkg) => pkg.name !== "contabo-users-mcp")
    .sort((a, b) => a.name.localeCompare(b.name));
  const sections = packages.map(
    (pkg) =>
      `## ${pkg.name} ${pkg.version}\n\nLicence: ${pkg.licence}\n\n${pkg.text ? `\`\`\`\n${pkg.text}\n\`\`\`` : "(the package ships no licence file)"}\n`,
  );
  return `# Third-party notices\n\ncontabo-users-mcp bundles the following packages into dist/package. Their licences follow.\n\n${sections.join("\n")}`;
}
