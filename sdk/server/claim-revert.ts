import { AbiCoder, Interface, isHexString } from "ethers";

/** The escrow's custom errors a claim can raise (see `IZ402Escrow`), for naming a refused claim. */
const CLAIM_ERRORS = new Interface([
  "error EscrowEmptyBatch()",
  "error EscrowNotReceiverSide(bytes32 channelId, address caller)",
  "error EscrowClaimExceedsVoucher(bytes32 channelId, uint128 totalClaimed, uint128 maxClaimableAmount)",
  "error EscrowClaimExceedsBalance(bytes32 channelId, uint128 totalClaimed, uint128 balance)",
  "error EscrowInvalidVoucherSignature(bytes32 channelId)",
  "error EscrowInvalidAuthorizerSignature(address receiverAuthorizer)",
  "error EscrowAuthorizerMismatch(address expected, address actual)",
]);

const ERROR_STRING = "0x08c379a0";
const PANIC = "0x4e487b71";
/** Ethers codes for a value that cannot be encoded: the row itself is malformed, no node involved. */
const MALFORMED = new Set(["INVALID_ARGUMENT", "NUMERIC_FAULT", "BUFFER_OVERRUN"]);
const MAX_REASON = 200;

type Loose = { [key: string]: unknown } | null | undefined;

/** The revert data carried by an ethers (or hardhat) error, searched in the places providers put it. */
function revertData(err: unknown, depth = 0): string | undefined {
  const e = err as Loose;
  if (!e || typeof e !== "object" || depth > 4) return undefined;
  if (typeof e.data === "string" && isHexString(e.data) && e.data.length >= 10) return e.data;
  for (const key of ["data", "error", "info", "cause"]) {
    const found = revertData(e[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `data` as a readable reason: `Name(arg, ...)` for an escrow error, the string of `Error(string)`, else its selector. */
function describe(data: string): string {
  const selector = data.slice(0, 10).toLowerCase();
  try {
    if (selector === ERROR_STRING) {
      return `Error(${String(AbiCoder.defaultAbiCoder().decode(["string"], "0x" + data.slice(10))[0])})`;
    }
    if (selector === PANIC) {
      return `Panic(${String(AbiCoder.defaultAbiCoder().decode(["uint256"], "0x" + data.slice(10))[0])})`;
    }
    const parsed = CLAIM_ERRORS.parseError(data);
    if (parsed) return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`;
  } catch {
    // undecodable: fall through to the selector
  }
  return `revert ${selector}`;
}

/**
 * Why the escrow refused a claim, or undefined when `err` is not a refusal (RPC down, timeout: worth retrying).
 * A refusal is a revert (with or without data) or a row ethers cannot encode. The reason names the custom error
 * and its arguments when it can; it never carries a signature or any input value, and stays short.
 */
export function escrowRevertReason(err: unknown): string | undefined {
  const e = err as Loose;
  const code = String(e?.code ?? "");
  if (MALFORMED.has(code)) {
    const argument = typeof e?.argument === "string" ? ` ${e.argument}` : "";
    return `malformed row (${code}${argument})`;
  }
  const data = revertData(err);
  if (data) return describe(data).slice(0, MAX_REASON);
  const message = String(e?.message ?? "");
  if (code === "CALL_EXCEPTION" || /reverted|revert(ed)? without reason/i.test(message)) {
    return "reverted without data";
  }
  return undefined;
}
