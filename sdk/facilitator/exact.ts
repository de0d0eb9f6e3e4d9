import { ethers } from "ethers";
import { transferWithAuthorizationDigest } from "../eip712";
import { isSignedBy, nobleBackend, type RecoveryBackend } from "../verify";
import type { Address, Hex } from "../utils/address";
import { DECIMAL_UINT } from "../utils/uint";
import { Reason } from "./reasons";
import { serialized } from "../utils/send-queue";
import { InFlight } from "./in-flight";
import { waitOrPending } from "./receipts";
import type { FacilitatorScheme, SchemeRequest, SettleResult, VerifyResult } from "./types";

const EIP3009_ABI = [
  "function transferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce,uint8 v,bytes32 r,bytes32 s)",
  "function transferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce,bytes signature)",
  "function authorizationState(address authorizer,bytes32 nonce) view returns (bool)",
  "function balanceOf(address) view returns (uint256)",
];
const ERC1271_ABI = ["function isValidSignature(bytes32 hash,bytes signature) view returns (bytes4)"];
const ERC1271_MAGIC = "0x1626ba7e";
/** x402's buffer for block time: an authorization must stay valid this long after verification. */
const VALID_BEFORE_BUFFER = 6n;

export interface ExactSchemeOptions {
  /** Sends `transferWithAuthorization`; its provider serves the reads. */
  signer: ethers.Signer;
  /** CAIP-2 networks served (the signer's chain). */
  networks: string[];
  /** How long settle waits for the receipt before answering `settlement_pending` (default 30 s). */
  confirmationTimeoutMs?: number;
  /** Clock in unix seconds (default: wall clock). */
  now?: () => bigint;
  /** Signature recovery (default: pure JS; pass `await loadNativeBackend()` for the native path). */
  recovery?: RecoveryBackend;
}

interface Authorization {
  from: string;
  to: string;
  value: string;
  validAfter: string;
  validBefore: string;
  nonce: string;
}

function parse(payload: Record<string, unknown>): { auth: Authorization; signature: string } | undefined {
  const auth = payload.authorization as Authorization | undefined;
  const signature = payload.signature;
  if (!auth || typeof auth !== "object" || typeof signature !== "string" || !ethers.isHexString(signature))
    return;
  if (![auth.from, auth.to].every((a) => typeof a === "string" && ethers.isAddress(a))) return;
  if (
    ![auth.value, auth.validAfter, auth.validBefore].every(
      (v) => typeof v === "string" && DECIMAL_UINT.test(v),
    )
  )
    return;
  if (!ethers.isHexString(auth.nonce, 32)) return;
  return { auth, signature };
}

/**
 * The `exact` scheme over EIP-3009 `transferWithAuthorization` (x402 v1 and v2): checks the authorization the way
 * `@x402/evm` does, in the same order and with the same reason strings, and settles by sending it to the token.
 */
export class ExactEip3009Scheme implements FacilitatorScheme {
  readonly scheme = "exact";
  readonly v1 = true;
  readonly networks: readonly string[];
  private readonly signer: ethers.Signer;
  private readonly timeoutMs: number;
  private readonly now: () => bigint;
  private readonly recovery: RecoveryBackend;
  private readonly pending = new Map<string, string>();
  private readonly inFlight = new InFlight<SettleResult>();
  private address?: string;

  constructor(options: ExactSchemeOptions) {
    this.signer = options.signer;
    this.networks = options.networks;
    this.timeoutMs = options.confirmationTimeoutMs ?? 30_000;
    this.now = options.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    this.recovery = options.recovery ?? nobleBackend;
    void options.signer.getAddress().then((a) => (this.address = a));
  }

  signers(): string[] {
    return this.address ? [this.address] : [];
  }

  async verify(request: SchemeRequest): Promise<VerifyResult> {
    const { requirements, payload, chainId } = request;
    const name = requirements.extra.name;
    const version = requirements.extra.version;
    if (typeof name !== "string" || typeof version !== "string") {
      return { isValid: false, invalidReason: Reason.exactMissingEip712Domain };
    }
    const parsed = parse(payload.payload);
    if (!parsed) return { isValid: false, invalidReason: Reason.invalidPayload };
    const { auth, signature } = parsed;
    const payer = ethers.getAddress(auth.from);
    const fail = (invalidReason: string, invalidMessage?: string): VerifyResult => ({
      isValid: false,
      invalidReason,
      ...(invalidMessage ? { invalidMessage } : {}),
      payer,
    });
    const domain = { name, version, chainId, verifyingContract: requirements.asset as Address };
    const digest = transferWithAuthorizationDigest(domain, {
      ...auth,
      from: payer as Address,
      to: auth.to as Address,
      nonce: auth.nonce as Hex,
    });
    if (!(await this.signedBy(payer, digest, signature))) return fail(Reason.exactSignature);
    if (ethers.getAddress(auth.to) !== ethers.getAddress(requirements.payTo))
      return fail(Reason.exactRecipientMismatch);
    const now = this.now();
    if (BigInt(auth.validBefore) < now + VALID_BEFORE_BUFFER) return fail(Reason.exactValidBefore);
    if (BigInt(auth.validAfter) > now) return fail(Reason.exactValidAfter);
    const value = BigInt(auth.value);
    const price = BigInt(requirements.amount);
    if (request.x402Version === 2 ? value !== price : value < price)
      return fail(Reason.exactAuthorizationValue);
    const token = new ethers.Contract(requirements.asset, EIP3009_ABI, this.signer);
    if (await token.authorizationState(payer, auth.nonce)) return fail(Reason.exactNonceAlreadyUsed);
    if ((await token.balanceOf(payer)) < value) return fail(Reason.exactInsufficientBalance);
    return { isValid: true, payer };
  }

  async settle(request: SchemeRequest): Promise<SettleResult> {
    const parsed = parse(request.payload.payload);
    const key = parsed && `${ethers.getAddress(parsed.auth.from)}:${parsed.auth.nonce.toLowerCase()}`;
    return this.inFlight.run(key, () => this.settleOnce(request, parsed, key));
  }

  private async settleOnce(
    request: SchemeRequest,
    parsed: ReturnType<typeof parse>,
    key: string | undefined,
  ): Promise<SettleResult> {
    const network = request.requirements.network;
    const pendingTx = key && this.pending.get(key);
    if (parsed && pendingTx) return this.reconcile(key, pendingTx, network, parsed.auth);
    const verdict = await this.verify(request);
    if (!verdict.isValid || !parsed || !key) {
      return {
        success: false,
        errorReason: verdict.invalidReason ?? Reason.invalidPayload,
        ...(verdict.invalidMessage ? { errorMessage: verdict.invalidMessage } : {}),
        transaction: "",
        network,
        ...(verdict.payer ? { payer: verdict.payer } : {}),
      };
    }
    const { auth, signature } = parsed;
    const token = new ethers.Contract(request.requirements.asset, EIP3009_ABI, this.signer);
    const head = [auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce] as const;
    const method65 =
      "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";
    const methodBytes = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)";
    let tx: ethers.ContractTransactionResponse;
    try {
      tx = await serialized(this.signer, (o) => {
        if (ethers.dataLength(signature) !== 65) return token[methodBytes](...head, signature, o);
        const sig = ethers.Signature.from(signature);
        return token[method65](...head, sig.v, sig.r, sig.s, o);
      });
    } catch (e) {
      return this.failed(network, verdict.payer, (e as Error).message, "");
    }
    this.pending.set(key, tx.hash);
    return this.reconcile(key, tx.hash, network, auth);
  }

  private async reconcile(
    key: string,
    hash: string,
    network: string,
    auth: Authorization,
  ): Promise<SettleResult> {
    const payer = ethers.getAddress(auth.from);
    const outcome = await waitOrPending(this.signer.provider!, hash, this.timeoutMs);
    if (outcome === "pending") {
      return { success: false, errorReason: Reason.settlementPending, transaction: hash, network, payer };
    }
    this.pending.delete(key);
    if (outcome === "reverted") return this.failed(network, payer, "transaction reverted", hash);
    return { success: true, transaction: hash, network, payer, amount: auth.value };
  }

  private failed(
    network: string,
    payer: string | undefined,
    message: string,
    transaction: string,
  ): SettleResult {
    return {
      success: false,
      errorReason: Reason.exactTransactionFailed,
      errorMessage: message.slice(0, 300),
      transaction,
      network,
      ...(payer ? { payer } : {}),
    };
  }

  /** ECDSA recovery for EOAs (low-s only); ERC-1271 for accounts with code. */
  private async signedBy(payer: string, digest: Hex, signature: string): Promise<boolean> {
    try {
      if (isSignedBy(digest, signature, payer, this.recovery)) return true;
    } catch {
      // not a 65-byte low-s ECDSA signature; a contract wallet may still accept it
    }
    const provider = this.signer.provider!;
    if ((await provider.getCode(payer)) === "0x") return false;
    try {
      const wallet = new ethers.Contract(payer, ERC1271_ABI, provider);
      return (await wallet.isValidSignature(digest, signature)) === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }
}
