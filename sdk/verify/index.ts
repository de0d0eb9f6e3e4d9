export { parseSignature, type ParsedSignature } from "../utils/signature";
export { nobleBackend, type RecoveryBackend } from "./backend";
export { recoverAddress, isSignedBy } from "./recover";
export { VoucherVerifier, type ChannelContext, type VoucherVerifierOptions } from "./voucher-verifier";
