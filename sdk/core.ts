/** Everything that runs anywhere (Node and browsers): shared by `index.ts` and `browser.ts`. */
export * from "./errors";
export type * from "./types";
export * from "./schemas";
export * from "./networks";
export * from "./eip712";
export * from "./codec";
export * from "./signing";
export * from "./verify";
export {
  bytesToHex,
  hexToBytes,
  isHex,
  keccak256,
  keccak256Hex,
  toChecksumAddress,
  isAddressAccepted,
  publicKeyToAddress,
  sameAddress,
  ZERO_ADDRESS,
} from "./utils";
