export { parseSignature, type ParsedSignature } from "./signature";
export { nobleBackend, type RecoveryBackend } from "./backend";
export { recoverAddress, isSignedBy } from "./recover";
export { VoucherVerifier, type ChannelContext, type VoucherVerifierOptions } from "./voucher-verifier";
