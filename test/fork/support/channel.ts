import type { BaseContract, Signer, TypedDataDomain } from "ethers";
import { AbiCoder, Contract, hexlify, keccak256, randomBytes, verifyTypedData } from "ethers";
import { voucherTypes } from "../../../sdk/eip712";
import type { ChannelConfig } from "../../../sdk/cli/abi";
import { signAuthorization } from "./eip3009";

/** The escrow's ChannelConfig, as passed to `deposit`, `claim` and friends (the CLI's decoded tuple). */
export type { ChannelConfig };

/** The escrow's EIP-712 domain, read from its EIP-5267 `eip712Domain()`. */
export async function escrowDomain(escrow: BaseContract): Promise<TypedDataDomain> {
  const [, name, version, chainId, verifyingContract] = (await escrow.getFunction("eip712Domain")()) as [
    string,
    string,
    string,
    bigint,
    string,
  ];
  return { name, version, chainId, verifyingContract };
}

/** Signs the cumulative voucher `Voucher(channelId, maxClaimableAmount)` with the payer's session key. */
export async function signVoucher(
  signer: Signer,
  domain: TypedDataDomain,
  channelId: string,
  maxClaimableAmount: bigint,
): Promise<string> {
  return signer.signTypedData(domain, voucherTypes, { channelId, maxClaimableAmount });
}

/** The address a voucher signature recovers to (what a server checks locally, without the chain). */
export function voucherSigner(
  domain: TypedDataDomain,
  channelId: string,
  maxClaimableAmount: bigint,
  signature: string,
): string {
  return verifyTypedData(domain, voucherTypes, { channelId, maxClaimableAmount }, signature);
}

/**
 * The deposit collector's `collectorData` for a gasless deposit: the payer signs `ReceiveWithAuthorization` to the
 * collector under the token's own domain, with nonce `keccak256(abi.encode(channelId, salt))`.
 */
export async function erc3009CollectorData(
  payer: Signer,
  token: Contract,
  collector: string,
  channelId: string,
  amount: bigint,
  now: number,
): Promise<{ data: string; nonce: string }> {
  const coder = AbiCoder.defaultAbiCoder();
  const salt = BigInt(hexlify(randomBytes(32)));
  const nonce = keccak256(coder.encode(["bytes32", "uint256"], [channelId, salt]));
  const validAfter = BigInt(now - 60);
  const validBefore = BigInt(now + 3600);
  const from = await payer.getAddress();
  const signature = await signAuthorization(payer, token, "ReceiveWithAuthorization", {
    from,
    to: collector,
    value: amount,
    validAfter,
    validBefore,
    nonce,
  });
  return {
    data: coder.encode(
      ["uint256", "uint256", "uint256", "bytes"],
      [validAfter, validBefore, salt, signature],
    ),
    nonce,
  };
}
