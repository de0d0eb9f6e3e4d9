/** `z402/discovery` for browsers: the indexer, queries and paid reputation over the in-memory store. */
export * from "./abi";
export * from "./types";
export * from "./store";
export * from "./memory-store";
export * from "./log-source";
export * from "./decode";
export * from "./fetch-file";
export * from "./indexer";
export * from "./reputation";
export * from "./query";
export * from "./catalog";
