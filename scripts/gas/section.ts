import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** One part of docs/gas.md: each contract family contributes its own section module in this folder. */
export interface GasSection {
  /** Order in the report (lower first). */
  order: number;
  title: string;
  /** Markdown body, usually a table. */
  markdown: string;
}

export type GasSectionProducer = (hre: HardhatRuntimeEnvironment) => Promise<GasSection>;

/** Renders a markdown table from a header row and body rows. */
export function table(header: string[], rows: (string | number | bigint)[][]): string {
  const line = (cells: (string | number | bigint)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
