// Node-only: the A2A seller (an adapter of the paywall) and the paying A2A buyer.
export * from "./metadata";
export * from "./seller";
export * from "./buyer";
