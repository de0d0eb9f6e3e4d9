/**
 * bench/RESULTS.md holds one section per benchmark; each bench script rewrites its own section and keeps the
 * others. Sections are delimited by HTML comments, so the file still reads as plain Markdown.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The sections, in the order the file lists them (the order `npm run bench` runs them). */
const SECTIONS = ["verify", "paid-http", "facilitator", "header-fuzz"] as const;
export type BenchSection = (typeof SECTIONS)[number];

export const RESULTS_FILE = path.join(__dirname, "RESULTS.md");

const begin = (s: string) => `<!-- bench:${s} -->`;
const end = (s: string) => `<!-- /bench:${s} -->`;

/** The body of each section currently in the file. */
function readSections(file: string): Map<string, string> {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const out = new Map<string, string>();
  for (const s of SECTIONS) {
    const from = text.indexOf(begin(s));
    const to = text.indexOf(end(s));
    if (from >= 0 && to > from) out.set(s, text.slice(from + begin(s).length, to).trim());
  }
  return out;
}

/** Replaces the section `name` of bench/RESULTS.md with `markdown`, keeping the other sections as they are. */
export function writeResultsSection(name: BenchSection, markdown: string, file = RESULTS_FILE): void {
  const sections = readSections(file);
  sections.set(name, markdown.trim());
  const parts = [
    "# Benchmark results",
    "",
    "Written by the scripts in this folder (`npm run bench`); each script rewrites its own section. See README.md.",
    "",
  ];
  for (const s of SECTIONS) {
    const body = sections.get(s);
    if (body !== undefined) parts.push(begin(s), body, end(s), "");
  }
  fs.writeFileSync(file, parts.join("\n"));
}

/** The machine line every section starts with: CPU, cores, Node, OS and the load average at the time. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown";
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
  return `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${load}. Date: ${new Date().toISOString()}.`;
}
