// Browser-safe surface of the agents layer (no Node built-ins, no chain access).
export * from "./types";
export * from "./constants";
export * from "./errors";
export * from "./canonical-json";
export * from "./data-uri";
export * from "./card-validate";
export * from "./card-build";
export * from "./card-builder";
export * from "./card-parse";
export * from "./registry-id";
export * from "./onchain-abi";
export * from "./onchain";
