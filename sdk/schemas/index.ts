export * from "./primitives";
export * from "./x402";
export * from "./batch-settlement";
export * from "./exact";
export { parseOrThrow, summarizeIssues } from "./parse";

/** Scheme names. */
export const BATCH_SETTLEMENT_SCHEME = "batch-settlement" as const;
export const EXACT_SCHEME = "exact" as const;
