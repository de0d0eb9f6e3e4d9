/** `z402` (Node): the browser-safe core plus Node-only helpers (deployments file loader, native verification). */
export * from "./core";
export { loadDeployments } from "./networks/deployments-node";
export { bestBackend, createVoucherVerifier, loadNativeBackend } from "./verify/native";
