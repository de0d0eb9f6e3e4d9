/** `z402/discovery` for Node: the browser surface plus the SQLite-backed store. */
export * from "./browser";
export * from "./sqlite-store";
export * from "./receipt-credit";
