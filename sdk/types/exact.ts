import type { Address, Hex } from "../utils/address";

/** EIP-3009 `TransferWithAuthorization` fields as they travel (decimal strings). */
export interface Eip3009Authorization {
  from: Address;
  to: Address;
  value: string;
  validAfter: string;
  validBefore: string;
  nonce: Hex;
}

/** The `payload` of an `exact` EVM payment. */
export interface ExactEvmPayload {
  signature: Hex;
  authorization: Eip3009Authorization;
}
