// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IZ402Escrow} from "../interfaces/IZ402Escrow.sol";
import {EscrowCore} from "./EscrowCore.sol";
import {EscrowHash} from "./libraries/EscrowHash.sol";

/// @title EscrowClaims
/// @notice The claim entry points: the x402 `claim` and `claimWithSignature`, and the packed z402 `claimPacked`.
/// @dev Claims only move accounting (channel and receiver totals); tokens leave through `settle`.
abstract contract EscrowClaims is EscrowCore {
    /// @dev Size of one `claimPacked` entry, see {IZ402Escrow-claimPacked}.
    uint256 private constant PACKED_ENTRY = 173;

    /// @inheritdoc IZ402Escrow
    function claim(VoucherClaim[] calldata voucherClaims) external nonReentrant {
        uint256 n = voucherClaims.length;
        if (n == 0) revert EscrowEmptyBatch();
        ReceiverCredit memory credit;
        for (uint256 i; i < n; ++i) {
            VoucherClaim calldata row = voucherClaims[i];
            ChannelConfig calldata config = row.voucher.channel;
            bytes32 channelId = _channelId(config);
            _requireReceiverSide(config, channelId);
            _credit(credit, config.receiver, config.token, _claimRow(channelId, row));
        }
        _flush(credit);
    }

    /// @inheritdoc IZ402Escrow
    function claimWithSignature(
        VoucherClaim[] calldata voucherClaims,
        bytes calldata authorizerSignature
    ) external nonReentrant {
        uint256 n = voucherClaims.length;
        if (n == 0) revert EscrowEmptyBatch();
        address authorizer = voucherClaims[0].voucher.channel.receiverAuthorizer;
        bytes32[] memory entryHashes = new bytes32[](n);
        ReceiverCredit memory credit;
        for (uint256 i; i < n; ++i) {
            VoucherClaim calldata row = voucherClaims[i];
            ChannelConfig calldata config = row.voucher.channel;
            if (config.receiverAuthorizer != authorizer) {
                revert EscrowAuthorizerMismatch(authorizer, config.receiverAuthorizer);
            }
            bytes32 channelId = _channelId(config);
            entryHashes[i] = EscrowHash.hashClaimEntry(
                channelId,
                row.voucher.maxClaimableAmount,
                row.totalClaimed
            );
            _credit(credit, config.receiver, config.token, _claimRow(channelId, row));
        }
        _flush(credit);
        bytes32 digest = _hashTypedDataV4(EscrowHash.hashClaimBatch(entryHashes));
        if (!_isValidSignatureNow(authorizer, digest, authorizerSignature)) {
            revert EscrowInvalidAuthorizerSignature(authorizer);
        }
    }

    /// @inheritdoc IZ402Escrow
    function getClaimBatchDigest(VoucherClaim[] calldata voucherClaims) external view returns (bytes32) {
        uint256 n = voucherClaims.length;
        bytes32[] memory entryHashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            VoucherClaim calldata row = voucherClaims[i];
            entryHashes[i] = EscrowHash.hashClaimEntry(
                _channelId(row.voucher.channel),
                row.voucher.maxClaimableAmount,
                row.totalClaimed
            );
        }
        return _hashTypedDataV4(EscrowHash.hashClaimBatch(entryHashes));
    }

    /// @inheritdoc IZ402Escrow
    function claimPacked(
        address receiver,
        address receiverAuthorizer,
        address token,
        bytes calldata packed
    ) external nonReentrant {
        if (msg.sender != receiver && msg.sender != receiverAuthorizer) {
            revert EscrowNotReceiverSide(bytes32(0), msg.sender);
        }
        uint256 len = packed.length;
        if (len == 0 || len % PACKED_ENTRY != 0) revert EscrowMalformedPackedClaims(len);
        uint128 credited;
        for (uint256 o = 0; o < len; o += PACKED_ENTRY) {
            credited += _claimPackedEntry(receiver, receiverAuthorizer, token, packed[o:o + PACKED_ENTRY]);
        }
        if (credited != 0) receivers[receiver][token].totalClaimed += credited;
    }

    /// @dev Decodes and applies one packed entry; returns the amount newly claimed.
    function _claimPackedEntry(
        address receiver,
        address receiverAuthorizer,
        address token,
        bytes calldata e
    ) private returns (uint128 delta) {
        bytes32 channelId = _packedChannelId(receiver, receiverAuthorizer, token, e);
        uint256 amounts;
        assembly ("memory-safe") {
            amounts := calldataload(add(e.offset, 77))
        }
        uint128 maxClaimable = uint128(amounts >> 128);
        uint128 total = uint128(amounts);
        ChannelState memory ch = channels[channelId];
        if (total <= ch.totalClaimed) return 0;
        if (total > maxClaimable) revert EscrowClaimExceedsVoucher(channelId, total, maxClaimable);
        if (total > ch.balance) revert EscrowClaimExceedsBalance(channelId, total, ch.balance);
        _requirePackedSignature(channelId, maxClaimable, e);
        delta = total - ch.totalClaimed;
        channels[channelId].totalClaimed = total;
        emit Claimed(channelId, msg.sender, delta, total);
    }

    /// @dev The channel id of a packed entry: its own payer fields plus the batch's shared fields.
    function _packedChannelId(
        address receiver,
        address receiverAuthorizer,
        address token,
        bytes calldata e
    ) private view returns (bytes32) {
        address payer;
        address payerAuthorizer;
        uint40 withdrawDelay;
        bytes32 salt;
        assembly ("memory-safe") {
            let o := e.offset
            payer := shr(96, calldataload(o))
            payerAuthorizer := shr(96, calldataload(add(o, 20)))
            withdrawDelay := shr(216, calldataload(add(o, 40)))
            salt := calldataload(add(o, 45))
        }
        return
            _hashTypedDataV4(
                EscrowHash.hashConfig(
                    payer,
                    payerAuthorizer,
                    receiver,
                    receiverAuthorizer,
                    token,
                    withdrawDelay,
                    salt
                )
            );
    }

    /// @dev Reverts unless the entry's EIP-2098 signature is its payerAuthorizer's Voucher signature.
    function _requirePackedSignature(bytes32 channelId, uint128 maxClaimable, bytes calldata e) private view {
        address payerAuthorizer;
        bytes32 r;
        bytes32 vs;
        assembly ("memory-safe") {
            payerAuthorizer := shr(96, calldataload(add(e.offset, 20)))
            r := calldataload(add(e.offset, 109))
            vs := calldataload(add(e.offset, 141))
        }
        if (payerAuthorizer == address(0)) revert EscrowPackedNeedsPayerAuthorizer(channelId);
        bytes32 digest = _hashTypedDataV4(EscrowHash.hashVoucher(channelId, maxClaimable));
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, r, vs);
        if (err != ECDSA.RecoverError.NoError || signer != payerAuthorizer) {
            revert EscrowInvalidVoucherSignature(channelId);
        }
    }
}
