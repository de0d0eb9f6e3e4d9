/**
 * Reads a gateway config file: `.json` as JSON, anything else as YAML (a superset of JSON). A SQLite store path is
 * resolved against the file's folder. Syntax errors and schema problems are `GatewayConfigError`s, one sentence each.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { GatewayConfigError, parseGatewayConfig, type GatewayConfig } from "./config";

/** Parses the text of a config file (`name` is used in messages and picks JSON for `.json`). */
export function parseGatewayText(text: string, name: string): unknown {
  if (name.toLowerCase().endsWith(".json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new GatewayConfigError([`config: not valid JSON (${(err as Error).message})`], name);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const line = e.linePos?.[0].line;
      const what = e.message.split("\n")[0].replace(/\s*at line \d+, column \d+:?$/, "");
      return `${line ? `line ${line}` : "config"}: not valid YAML (${what})`;
    });
    throw new GatewayConfigError(problems, name);
  }
  return doc.toJS() as unknown;
}

/** Loads and validates `file`. */
export function loadGatewayConfig(file: string): GatewayConfig {
  const name = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : (code ?? "unreadable");
    throw new GatewayConfigError([`config: cannot read ${file} (${why})`], name);
  }
  const config = parseGatewayConfig(parseGatewayText(text, name), name);
  if (config.store.kind === "sqlite" && config.store.file !== ":memory:") {
    config.store = { kind: "sqlite", file: path.resolve(path.dirname(file), config.store.file) };
  }
  return config;
}
