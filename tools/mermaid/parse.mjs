// Parse Mermaid diagrams with Mermaid's own parser: the files named, or stdin when none are.
// Prints one line per diagram ({"file", "ok", "diagramType"} or {"file", "ok", "error"}) and
// exits 1 when any does not parse.
// Modules come from MERMAID_NODE_MODULES, else ./node_modules (npm install --no-package-lock).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.MERMAID_NODE_MODULES || join(here, "node_modules");
const require = createRequire(join(modules, "noop.js"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(
  pathToFileURL(join(modules, "mermaid", "dist", "mermaid.core.mjs")).href);

mermaid.initialize({ startOnLoad: false });
const files = process.argv.slice(2);
let failed = false;
for (const file of files.length ? files : ["-"]) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  try {
    const result = await mermaid.parse(text);
    console.log(JSON.stringify({ file, ok: true, diagramType: result.diagramType }));
  } catch (error) {
    failed = true;
    console.log(JSON.stringify({ file, ok: false, error: String(error?.message ?? error) }));
  }
}
process.exit(failed ? 1 : 0);
