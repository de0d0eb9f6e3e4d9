export * from "./types";
export * from "./hash";
export * from "./digests";
