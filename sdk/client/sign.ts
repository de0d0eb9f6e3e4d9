import {
  AbiCoder,
  hexlify,
  keccak256,
  randomBytes,
  TypedDataEncoder,
  verifyTypedData,
  type Signer,
} from "ethers";

/** The escrow's channel config (client view). */
export interface ChannelConfig {
  payer: string;
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: number;
  salt: string;
}

export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData: Signer["signTypedData"];
}

const CONFIG_TYPES = {
  ChannelConfig: [
    { name: "payer", type: "address" },
    { name: "payerAuthorizer", type: "address" },
    { name: "receiver", type: "address" },
    { name: "receiverAuthorizer", type: "address" },
    { name: "token", type: "address" },
    { name: "withdrawDelay", type: "uint40" },
    { name: "salt", type: "bytes32" },
  ],
};
const VOUCHER_TYPES = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
  ],
};
const authTypes = (kind: string) => ({
  [kind]: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
});

export function escrowDomain(chainId: bigint, escrow: string) {
  return { name: "x402 Batch Settlement", version: "1", chainId, verifyingContract: escrow };
}

export function channelIdOf(chainId: bigint, escrow: string, config: ChannelConfig): string {
  return TypedDataEncoder.hash(escrowDomain(chainId, escrow), CONFIG_TYPES, config).toLowerCase();
}

export function signVoucher(
  key: TypedDataSigner,
  chainId: bigint,
  escrow: string,
  channelId: string,
  maxClaimableAmount: bigint,
): Promise<string> {
  return key.signTypedData(escrowDomain(chainId, escrow), VOUCHER_TYPES, { channelId, maxClaimableAmount });
}

/** The signer of a voucher (throws on a malformed signature). */
export function voucherSigner(
  chainId: bigint,
  escrow: string,
  channelId: string,
  maxClaimableAmount: bigint,
  signature: string,
): string {
  return verifyTypedData(
    escrowDomain(chainId, escrow),
    VOUCHER_TYPES,
    { channelId, maxClaimableAmount },
    signature,
  );
}

export const randomBytes32 = (): string => hexlify(randomBytes(32));

/** A gasless deposit: `receiveWithAuthorization` to the collector, nonce bound to the channel. */
export async function signDepositAuthorization(
  payer: TypedDataSigner,
  token: { address: string; name: string; version: string },
  chainId: bigint,
  collector: string,
  channelId: string,
  amount: bigint,
  now: bigint,
) {
  const salt = randomBytes32();
  const nonce = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [channelId, salt]));
  const validAfter = 0n;
  const validBefore = now + 3600n;
  const signature = await payer.signTypedData(
    { name: token.name, version: token.version, chainId, verifyingContract: token.address },
    authTypes("ReceiveWithAuthorization"),
    { from: await payer.getAddress(), to: collector, value: amount, validAfter, validBefore, nonce },
  );
  return { validAfter: validAfter.toString(), validBefore: validBefore.toString(), salt, signature };
}

/** An `exact` payment: `transferWithAuthorization` to `payTo` for exactly `amount`. */
export async function signExactAuthorization(
  payer: TypedDataSigner,
  token: { address: string; name: string; version: string },
  chainId: bigint,
  payTo: string,
  amount: bigint,
  now: bigint,
  timeoutSeconds: number,
) {
  const authorization = {
    from: await payer.getAddress(),
    to: payTo,
    value: amount.toString(),
    validAfter: (now - 600n < 0n ? 0n : now - 600n).toString(),
    validBefore: (now + BigInt(Math.max(timeoutSeconds, 30))).toString(),
    nonce: randomBytes32(),
  };
  const signature = await payer.signTypedData(
    { name: token.name, version: token.version, chainId, verifyingContract: token.address },
    authTypes("TransferWithAuthorization"),
    authorization,
  );
  return { signature, authorization };
}
