/** EIP-3009 authorizations: `exact` payments (TransferWithAuthorization) and escrow deposits (ReceiveWithAuthorization). */
import type { Erc3009DepositAuthorization } from "../types/batch-settlement";
import type { Eip3009Authorization } from "../types/exact";
import { toChecksumAddress, type Address } from "../utils/address";
import { bytesToHex, hexToBytes, writeUint256, type Hex } from "../utils/hex";
import {
  collectorNonce,
  hashDomain,
  hashReceiveWithAuthorization,
  hashTransferWithAuthorization,
  toUint,
  typedDataDigest,
  type BigNumberish,
} from "../eip712/hash";
import {
  receiveWithAuthorizationTypes,
  transferWithAuthorizationTypes,
  type Eip712Domain,
} from "../eip712/types";
import { randomBytes32 } from "./channel";
import { signTyped, type TypedDataFields, type TypedDataSigner } from "./signer";

export interface AuthorizationInput {
  from: string;
  to: string;
  value: BigNumberish;
  validAfter: BigNumberish;
  validBefore: BigNumberish;
  /** Random when omitted. */
  nonce?: Hex;
}

function normalize(input: AuthorizationInput): Eip3009Authorization {
  return {
    from: toChecksumAddress(input.from),
    to: toChecksumAddress(input.to),
    value: toUint(input.value, 256, "value").toString(),
    validAfter: toUint(input.validAfter, 256, "validAfter").toString(),
    validBefore: toUint(input.validBefore, 256, "validBefore").toString(),
    nonce: input.nonce ?? randomBytes32(),
  };
}

/** The token's EIP-712 domain from an `exact` / `batch-settlement` requirement's `extra.name` / `extra.version`. */
export function tokenDomain(chainId: number, token: Address, name: string, version: string): Eip712Domain {
  return { name, version, chainId, verifyingContract: toChecksumAddress(token) };
}

type SignedAuthorization = { authorization: Eip3009Authorization; signature: Hex };

/** Signs one of the two EIP-3009 authorizations: same fields, its own type table and struct hash. */
async function signAuthorization(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  input: AuthorizationInput,
  types: TypedDataFields,
  hashStruct: (a: Eip3009Authorization) => Uint8Array,
): Promise<SignedAuthorization> {
  const authorization = normalize(input);
  const signature = await signTyped(signer, domain, types, { ...authorization }, () =>
    typedDataDigest(hashDomain(domain), hashStruct(authorization)),
  );
  return { authorization, signature };
}

/** Signs `TransferWithAuthorization` (the `exact` scheme's payload). */
export function signTransferWithAuthorization(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  input: AuthorizationInput,
): Promise<SignedAuthorization> {
  return signAuthorization(
    signer,
    domain,
    input,
    transferWithAuthorizationTypes,
    hashTransferWithAuthorization,
  );
}

/** Signs `ReceiveWithAuthorization` (`to` must be the party that submits it, e.g. a deposit collector). */
export function signReceiveWithAuthorization(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  input: AuthorizationInput,
): Promise<SignedAuthorization> {
  return signAuthorization(
    signer,
    domain,
    input,
    receiveWithAuthorizationTypes,
    hashReceiveWithAuthorization,
  );
}

export interface DepositAuthorizationInput {
  payer: string;
  collector: string;
  channelId: Hex;
  amount: BigNumberish;
  validAfter: BigNumberish;
  validBefore: BigNumberish;
  /** Random when omitted. */
  salt?: Hex;
}

/**
 * The deposit collector's authorization: `receiveWithAuthorization(payer → collector, amount)` whose nonce is
 * `keccak256(abi.encode(channelId, salt))`, so it can only fund that channel and nobody can front-run it.
 */
export async function signDepositAuthorization(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  input: DepositAuthorizationInput,
): Promise<Erc3009DepositAuthorization> {
  const salt = input.salt ?? randomBytes32();
  const { authorization, signature } = await signReceiveWithAuthorization(signer, domain, {
    from: input.payer,
    to: input.collector,
    value: input.amount,
    validAfter: input.validAfter,
    validBefore: input.validBefore,
    nonce: collectorNonce(input.channelId, salt),
  });
  return { validAfter: authorization.validAfter, validBefore: authorization.validBefore, salt, signature };
}

/** `collectorData = abi.encode(uint256 validAfter, uint256 validBefore, bytes32 salt, bytes signature)`. */
export function encodeCollectorData(auth: Erc3009DepositAuthorization): Hex {
  const sig = hexToBytes(auth.signature);
  const padded = Math.ceil(sig.length / 32) * 32;
  const out = new Uint8Array(32 * 5 + padded);
  writeUint256(out, 0, toUint(auth.validAfter, 256, "validAfter"));
  writeUint256(out, 32, toUint(auth.validBefore, 256, "validBefore"));
  out.set(hexToBytes(auth.salt), 64);
  writeUint256(out, 96, 128n);
  writeUint256(out, 128, BigInt(sig.length));
  out.set(sig, 160);
  return bytesToHex(out);
}
