// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IZ402Escrow
/// @notice The z402 escrow: unidirectional payment channels paid with cumulative EIP-712 vouchers.
/// @dev ABI, EIP-712 domain ("x402 Batch Settlement", "1"), type strings and storage are those of the x402
/// `batch-settlement` EVM binding, so its clients and facilitators work against this contract unchanged.
/// `claimPacked` is a z402 extension: the same accounting and the same Voucher signatures, cheaper calldata.
interface IZ402Escrow {
    // ---------------------------------------------------------------- structs

    /// @notice Everything that identifies a channel. `channelId` is the EIP-712 hash of this struct.
    /// @param payer Owner of the funds; withdrawals and refunds go back to it.
    /// @param payerAuthorizer EOA that signs vouchers (a session key); zero means ERC-1271 against `payer`.
    /// @param receiver Who is paid when claims are settled.
    /// @param receiverAuthorizer Signs claim batches and refunds on the receiver's behalf; never zero.
    /// @param token The ERC-20 held by the channel.
    /// @param withdrawDelay Seconds between `initiateWithdraw` and `finalizeWithdraw` (15 minutes..30 days).
    /// @param salt Lets one payer open several channels with the same parties.
    struct ChannelConfig {
        address payer;
        address payerAuthorizer;
        address receiver;
        address receiverAuthorizer;
        address token;
        uint40 withdrawDelay;
        bytes32 salt;
    }

    /// @notice A cumulative voucher as carried in a claim: the payer agrees the receiver may take up to
    /// `maxClaimableAmount` in total from the channel.
    struct Voucher {
        ChannelConfig channel;
        uint128 maxClaimableAmount;
    }

    /// @notice One row of a claim: a voucher, its signature and the cumulative total to claim (<= the voucher).
    struct VoucherClaim {
        Voucher voucher;
        bytes signature;
        uint128 totalClaimed;
    }

    /// @notice Per-channel accounting. `balance` counts claimed funds until they are settled to the receiver's
    /// totals; the unclaimed remainder is `balance - totalClaimed`.
    struct ChannelState {
        uint128 balance;
        uint128 totalClaimed;
    }

    /// @notice A payer's pending withdrawal.
    struct WithdrawalRequest {
        uint128 amount;
        uint40 initiatedAt;
    }

    /// @notice Per (receiver, token) totals across all channels.
    struct ReceiverState {
        uint128 totalClaimed;
        uint128 totalSettled;
    }

    // ---------------------------------------------------------------- errors

    /// @notice `withdrawDelay` is outside [15 minutes, 30 days].
    error EscrowWithdrawDelayOutOfRange(uint40 withdrawDelay);
    /// @notice A config address that must be set is zero (payer, receiver, receiverAuthorizer or token).
    error EscrowZeroAddress();
    /// @notice An amount that must be positive is zero.
    error EscrowZeroAmount();
    /// @notice The deposit credited nothing (the balance delta was zero).
    error EscrowNothingReceived(bytes32 channelId);
    /// @notice The amount does not fit the channel's unclaimed remainder or in 128 bits.
    error EscrowAmountTooLarge(bytes32 channelId, uint256 amount, uint256 available);
    /// @notice A claim batch is empty.
    error EscrowEmptyBatch();
    /// @notice The caller is neither the receiver nor the receiverAuthorizer of the channel.
    error EscrowNotReceiverSide(bytes32 channelId, address caller);
    /// @notice The caller is neither the payer nor the payerAuthorizer of the channel.
    error EscrowNotPayerSide(bytes32 channelId, address caller);
    /// @notice A claim asks for more than its voucher allows.
    error EscrowClaimExceedsVoucher(bytes32 channelId, uint128 totalClaimed, uint128 maxClaimableAmount);
    /// @notice A claim asks for more than the channel holds.
    error EscrowClaimExceedsBalance(bytes32 channelId, uint128 totalClaimed, uint128 balance);
    /// @notice The voucher signature is not the payer's (or payerAuthorizer's).
    error EscrowInvalidVoucherSignature(bytes32 channelId);
    /// @notice The claim-batch or refund signature is not the receiverAuthorizer's.
    error EscrowInvalidAuthorizerSignature(address receiverAuthorizer);
    /// @notice Rows of a signed claim batch name different receiverAuthorizers.
    error EscrowAuthorizerMismatch(address expected, address actual);
    /// @notice The refund nonce is not the channel's current one.
    error EscrowInvalidRefundNonce(bytes32 channelId, uint256 expected, uint256 actual);
    /// @notice There is no pending withdrawal for the channel.
    error EscrowNoPendingWithdrawal(bytes32 channelId);
    /// @notice `finalizeWithdraw` before `initiatedAt + withdrawDelay`.
    error EscrowWithdrawNotReady(bytes32 channelId, uint256 readyAt);
    /// @notice Packed claim data is not a whole number of entries.
    error EscrowMalformedPackedClaims(uint256 length);
    /// @notice The packed path needs an ECDSA payerAuthorizer (ERC-1271 channels use `claim`).
    error EscrowPackedNeedsPayerAuthorizer(bytes32 channelId);

    // ---------------------------------------------------------------- events

    /// @notice A channel received its first funds.
    event ChannelCreated(bytes32 indexed channelId, ChannelConfig config);
    /// @notice Funds were credited to a channel (the measured amount received).
    event Deposited(bytes32 indexed channelId, address indexed sender, uint128 amount, uint128 newBalance);
    /// @notice A channel's claimed total rose by `amount` to `totalClaimed`.
    event Claimed(bytes32 indexed channelId, address indexed sender, uint128 amount, uint128 totalClaimed);
    /// @notice Claimed funds were transferred to the receiver.
    event Settled(address indexed receiver, address indexed token, address indexed sender, uint128 amount);
    /// @notice The receiver side returned `amount` to the payer; `nonce` is the refund nonce consumed.
    event Refunded(bytes32 indexed channelId, address indexed sender, uint128 amount, uint256 nonce);
    /// @notice The payer asked to withdraw `amount`, possible from `initiatedAt + withdrawDelay`.
    event WithdrawInitiated(bytes32 indexed channelId, uint128 amount, uint40 initiatedAt);
    /// @notice A pending withdrawal paid `amount` to the payer.
    event WithdrawFinalized(bytes32 indexed channelId, uint128 amount);
    /// @notice A pending withdrawal was lowered to `amount` because a refund consumed funds.
    event WithdrawReduced(bytes32 indexed channelId, uint128 amount);
    /// @notice A `claimPacked` batch raised the claimed totals of channels of `receiver` in `token`. `claims` is
    /// tightly packed `channelId(32) totalClaimed(16)` for every channel whose total rose, in order; the amount
    /// each one gained is its new total less its previous one. One event per batch replaces per-channel `Claimed`.
    event ClaimedPacked(
        address indexed receiver,
        address indexed token,
        address indexed sender,
        bytes claims
    );
    /// @notice Nothing unclaimed is left in the channel (balance == totalClaimed).
    event ChannelClosed(bytes32 indexed channelId);

    // ---------------------------------------------------------------- x402 batch-settlement ABI

    /// @notice Funds a channel. `collector == 0` pulls `amount` from the caller with `transferFrom`; otherwise the
    /// collector contract pulls from the payer using `collectorData`. Credits the measured balance delta.
    function deposit(
        ChannelConfig calldata config,
        uint128 amount,
        address collector,
        bytes calldata collectorData
    ) external;

    /// @notice Claims vouchers; the caller is the receiver or receiverAuthorizer of every row. No token moves.
    function claim(VoucherClaim[] calldata voucherClaims) external;

    /// @notice Claims vouchers relayed by anyone, authorized by a `ClaimBatch` signature of the rows' shared
    /// receiverAuthorizer.
    function claimWithSignature(
        VoucherClaim[] calldata voucherClaims,
        bytes calldata authorizerSignature
    ) external;

    /// @notice Transfers everything claimed but not yet settled for `(receiver, token)` to the receiver.
    function settle(address receiver, address token) external;

    /// @notice Starts the payer's exit: `amount` becomes withdrawable after `withdrawDelay`.
    function initiateWithdraw(ChannelConfig calldata config, uint128 amount) external;

    /// @notice Completes a pending withdrawal, capped to what is still unclaimed.
    function finalizeWithdraw(ChannelConfig calldata config) external;

    /// @notice The receiver side returns up to `amount` of the unclaimed remainder to the payer.
    function refund(ChannelConfig calldata config, uint128 amount) external;

    /// @notice A relayed refund authorized by the receiverAuthorizer's `Refund` signature for the current nonce.
    function refundWithSignature(
        ChannelConfig calldata config,
        uint128 amount,
        uint256 nonce,
        bytes calldata receiverAuthorizerSignature
    ) external;

    /// @notice The channel id of a config: the EIP-712 hash of the ChannelConfig struct under this domain.
    function getChannelId(ChannelConfig calldata config) external view returns (bytes32);

    /// @notice The EIP-712 digest a payer signs for a voucher.
    function getVoucherDigest(bytes32 channelId, uint128 maxClaimableAmount) external view returns (bytes32);

    /// @notice The EIP-712 digest a receiverAuthorizer signs for a refund.
    function getRefundDigest(
        bytes32 channelId,
        uint256 nonce,
        uint128 amount
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest a receiverAuthorizer signs for a claim batch.
    function getClaimBatchDigest(VoucherClaim[] calldata voucherClaims) external view returns (bytes32);

    /// @notice keccak256 of the ChannelConfig type string.
    function CHANNEL_CONFIG_TYPEHASH() external view returns (bytes32);

    /// @notice A channel's balance and claimed total.
    function channels(bytes32 channelId) external view returns (uint128 balance, uint128 totalClaimed);

    /// @notice A channel's pending withdrawal.
    function pendingWithdrawals(bytes32 channelId) external view returns (uint128 amount, uint40 initiatedAt);

    /// @notice A receiver's claimed and settled totals for a token.
    function receivers(
        address receiver,
        address token
    ) external view returns (uint128 totalClaimed, uint128 totalSettled);

    /// @notice The next refund nonce of a channel.
    function refundNonce(bytes32 channelId) external view returns (uint256);

    // ---------------------------------------------------------------- z402 extension

    /// @notice Packed claims for channels sharing `receiver`, `receiverAuthorizer` and `token`; the caller is the
    /// receiver or the receiverAuthorizer. Each entry is 173 bytes, tightly packed:
    /// `payer(20) payerAuthorizer(20) withdrawDelay(5) salt(32) maxClaimableAmount(16) totalClaimed(16) r(32) vs(32)`
    /// where `(r, vs)` is the EIP-2098 compact form of the payerAuthorizer's Voucher signature (low-s only).
    /// Same accounting as `claim`: stale entries are skipped, any other bad entry reverts the batch. Channels whose
    /// payerAuthorizer is zero (ERC-1271 payers) cannot use this path. Emits one `ClaimedPacked` per batch.
    function claimPacked(
        address receiver,
        address receiverAuthorizer,
        address token,
        bytes calldata packed
    ) external;
}
