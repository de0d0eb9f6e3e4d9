export * from "./signer";
export * from "./channel";
export * from "./escrow";
export * from "./eip3009";
export { typedDataDigestOf } from "./typed-data";
export * from "./packed-claims";
