import type { Contract, Signer, TypedDataDomain } from "ethers";
import { hexlify, randomBytes } from "ethers";
import { receiveWithAuthorizationTypes, transferWithAuthorizationTypes } from "../../../sdk/eip712";

/** The EIP-3009 authorization fields, shared by `transferWithAuthorization` and `receiveWithAuthorization`. */
export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/** The token's own EIP-712 domain, read from the chain (FiatToken has no EIP-5267, so from `name()`/`version()`). */
export async function tokenDomain(token: Contract): Promise<TypedDataDomain> {
  const [name, version, network] = await Promise.all([
    token.getFunction("name")() as Promise<string>,
    token.getFunction("version")() as Promise<string>,
    token.runner!.provider!.getNetwork(),
  ]);
  return { name, version, chainId: network.chainId, verifyingContract: await token.getAddress() };
}

/** A fresh authorization valid from now-1h to now+1h with a random nonce; `overrides` pins any field. */
export function authorization(
  from: string,
  to: string,
  value: bigint,
  now: number,
  overrides: Partial<Authorization> = {},
) {
  return {
    from,
    to,
    value,
    validAfter: BigInt(now - 3600),
    validBefore: BigInt(now + 3600),
    nonce: hexlify(randomBytes(32)),
    ...overrides,
  };
}

/** Signs `TransferWithAuthorization` or `ReceiveWithAuthorization` under the token's domain. */
export async function signAuthorization(
  signer: Signer,
  token: Contract,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  auth: Authorization,
): Promise<string> {
  const types =
    kind === "TransferWithAuthorization" ? transferWithAuthorizationTypes : receiveWithAuthorizationTypes;
  return signer.signTypedData(await tokenDomain(token), types, auth);
}
