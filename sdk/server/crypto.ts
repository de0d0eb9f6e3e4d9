import { AbiCoder, keccak256, TypedDataEncoder, getAddress } from "ethers";
import secp256k1 from "secp256k1";
import { PaymentRefusal, REASONS, type Reason } from "./reasons";

/** The escrow's channel config as it travels on the wire. */
export interface ChannelConfigWire {
  payer: string;
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: number;
  salt: string;
}

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const abi = AbiCoder.defaultAbiCoder();

/**
 * Recovers the signer of a 65-byte `r‖s‖v` signature over `digest` with native secp256k1.
 * Rejects high-s and malformed signatures with `badSignature` reasons.
 */
export function recoverSigner(digest: Uint8Array, signature: string, badSignature: Reason): string {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new PaymentRefusal(REASONS.signatureMalformed);
  const bytes = Buffer.from(signature.slice(2), "hex");
  const s = BigInt("0x" + bytes.subarray(32, 64).toString("hex"));
  if (s > HALF_N) throw new PaymentRefusal(REASONS.signatureHighS);
  let v = bytes[64];
  if (v >= 27) v -= 27;
  if (v !== 0 && v !== 1) throw new PaymentRefusal(REASONS.signatureMalformed);
  let pub: Uint8Array;
  try {
    pub = secp256k1.ecdsaRecover(bytes.subarray(0, 64), v, digest, false);
  } catch {
    throw new PaymentRefusal(badSignature);
  }
  return getAddress("0x" + keccak256(pub.subarray(1)).slice(-40));
}

/** EIP-3009 typed data (`TransferWithAuthorization` / `ReceiveWithAuthorization`). */
export function eip3009Types(kind: "TransferWithAuthorization" | "ReceiveWithAuthorization") {
  return {
    [kind]: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" },
      { name: "validBefore", type: "uint256" },
      { name: "nonce", type: "bytes32" },
    ],
  };
}

/** The deposit collector's EIP-3009 nonce: keccak256(abi.encode(channelId, salt)). */
export function depositNonce(channelId: string, salt: string): string {
  return keccak256(abi.encode(["bytes32", "bytes32"], [channelId, salt]));
}

/** The ERC3009 collector's data: abi.encode(validAfter, validBefore, salt, signature). */
export function collectorData(
  validAfter: bigint,
  validBefore: bigint,
  salt: string,
  signature: string,
): string {
  return abi.encode(["uint256", "uint256", "bytes32", "bytes"], [validAfter, validBefore, salt, signature]);
}

export function eip3009Digest(
  token: { address: string; name: string; version: string },
  chainId: bigint,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  message: Record<string, unknown>,
): Buffer {
  const domain = { name: token.name, version: token.version, chainId, verifyingContract: token.address };
  return Buffer.from(TypedDataEncoder.hash(domain, eip3009Types(kind), message).slice(2), "hex");
}
