// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IZ402Escrow} from "../interfaces/IZ402Escrow.sol";
import {EscrowHash} from "./libraries/EscrowHash.sol";

/// @title EscrowCore
/// @notice Storage, EIP-712 domain, signature checks and the claim accounting shared by every escrow entry point.
/// @dev Storage after EIP712's two fallback-string slots: channels, pendingWithdrawals, refundNonce, receivers.
abstract contract EscrowCore is IZ402Escrow, EIP712, ReentrancyGuardTransient {
    /// @notice Bounds of `ChannelConfig.withdrawDelay`.
    uint40 public constant MIN_WITHDRAW_DELAY = 15 minutes;
    uint40 public constant MAX_WITHDRAW_DELAY = 30 days;

    /// @inheritdoc IZ402Escrow
    bytes32 public constant CHANNEL_CONFIG_TYPEHASH = EscrowHash.CHANNEL_CONFIG_TYPEHASH;

    /// @inheritdoc IZ402Escrow
    mapping(bytes32 channelId => ChannelState) public channels;
    /// @inheritdoc IZ402Escrow
    mapping(bytes32 channelId => WithdrawalRequest) public pendingWithdrawals;
    /// @inheritdoc IZ402Escrow
    mapping(bytes32 channelId => uint256) public refundNonce;
    /// @inheritdoc IZ402Escrow
    mapping(address receiver => mapping(address token => ReceiverState)) public receivers;

    /// @dev Claimed amounts summed over consecutive rows that share a receiver and a token, written once.
    struct ReceiverCredit {
        address receiver;
        address token;
        uint128 amount;
    }

    constructor() EIP712(EscrowHash.DOMAIN_NAME, EscrowHash.DOMAIN_VERSION) {}

    // ---------------------------------------------------------------- views

    /// @inheritdoc IZ402Escrow
    function getChannelId(ChannelConfig calldata config) external view returns (bytes32) {
        return _channelId(config);
    }

    /// @inheritdoc IZ402Escrow
    function getVoucherDigest(bytes32 channelId, uint128 maxClaimableAmount) external view returns (bytes32) {
        return _hashTypedDataV4(EscrowHash.hashVoucher(channelId, maxClaimableAmount));
    }

    /// @inheritdoc IZ402Escrow
    function getRefundDigest(
        bytes32 channelId,
        uint256 nonce,
        uint128 amount
    ) external view returns (bytes32) {
        return _hashTypedDataV4(EscrowHash.hashRefund(channelId, nonce, amount));
    }

    // ---------------------------------------------------------------- internal helpers

    function _channelId(ChannelConfig calldata config) internal view returns (bytes32) {
        return _hashTypedDataV4(EscrowHash.hashConfig(config));
    }

    /// @dev Reverts unless the caller is the channel's receiver or receiverAuthorizer.
    function _requireReceiverSide(ChannelConfig calldata config, bytes32 channelId) internal view {
        if (msg.sender != config.receiver && msg.sender != config.receiverAuthorizer) {
            revert EscrowNotReceiverSide(channelId, msg.sender);
        }
    }

    /// @dev Reverts unless the caller is the channel's payer or payerAuthorizer.
    function _requirePayerSide(ChannelConfig calldata config, bytes32 channelId) internal view {
        if (msg.sender != config.payer && msg.sender != config.payerAuthorizer) {
            revert EscrowNotPayerSide(channelId, msg.sender);
        }
    }

    /// @dev True when `signature` is a 65-byte low-s ECDSA signature of `digest` by `signer`.
    function _isValidECDSA(
        address signer,
        bytes32 digest,
        bytes calldata signature
    ) internal pure returns (bool) {
        if (signature.length != 65) return false;
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(signature.offset)
            s := calldataload(add(signature.offset, 0x20))
            v := byte(0, calldataload(add(signature.offset, 0x40)))
        }
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, v, r, s);
        return err == ECDSA.RecoverError.NoError && recovered == signer;
    }

    /// @dev True when `signature` is `signer`'s: ECDSA first, then ERC-1271 when `signer` has code.
    function _isValidSignatureNow(
        address signer,
        bytes32 digest,
        bytes calldata signature
    ) internal view returns (bool) {
        if (_isValidECDSA(signer, digest, signature)) return true;
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }

    /// @dev Voucher signer: the payerAuthorizer by ECDSA, or the payer (ECDSA or ERC-1271) when it is zero.
    function _isValidVoucher(
        ChannelConfig calldata config,
        bytes32 digest,
        bytes calldata signature
    ) internal view returns (bool) {
        address authorizer = config.payerAuthorizer;
        if (authorizer == address(0)) return _isValidSignatureNow(config.payer, digest, signature);
        return _isValidECDSA(authorizer, digest, signature);
    }

    /// @dev Applies one voucher row of the ABI claim paths; returns the amount newly claimed (0 for a stale row).
    function _claimRow(bytes32 channelId, VoucherClaim calldata row) internal returns (uint128 delta) {
        ChannelState memory ch = channels[channelId];
        uint128 total = row.totalClaimed;
        if (total <= ch.totalClaimed) return 0;
        uint128 maxClaimable = row.voucher.maxClaimableAmount;
        if (total > maxClaimable) revert EscrowClaimExceedsVoucher(channelId, total, maxClaimable);
        if (total > ch.balance) revert EscrowClaimExceedsBalance(channelId, total, ch.balance);
        bytes32 digest = _hashTypedDataV4(EscrowHash.hashVoucher(channelId, maxClaimable));
        if (!_isValidVoucher(row.voucher.channel, digest, row.signature)) {
            revert EscrowInvalidVoucherSignature(channelId);
        }
        delta = total - ch.totalClaimed;
        channels[channelId].totalClaimed = total;
        emit Claimed(channelId, msg.sender, delta, total);
    }

    /// @dev Adds `amount` to the running credit, flushing the previous receiver/token pair when it changes.
    function _credit(ReceiverCredit memory credit, address receiver, address token, uint128 amount) internal {
        if (amount == 0) return;
        if (credit.receiver != receiver || credit.token != token) {
            _flush(credit);
            credit.receiver = receiver;
            credit.token = token;
        }
        credit.amount += amount;
    }

    /// @dev Writes the running credit to the receiver's totals.
    function _flush(ReceiverCredit memory credit) internal {
        if (credit.amount == 0) return;
        receivers[credit.receiver][credit.token].totalClaimed += credit.amount;
        credit.amount = 0;
    }
}
