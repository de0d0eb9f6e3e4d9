export type * from "./x402";
export type * from "./batch-settlement";
export type * from "./exact";
export type * from "./offer";
export type { Address, Hex } from "../utils/address";
