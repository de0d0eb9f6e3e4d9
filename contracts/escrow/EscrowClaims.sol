// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IZ402Escrow} from "../interfaces/IZ402Escrow.sol";
import {EscrowCore} from "./EscrowCore.sol";
import {EscrowHash} from "./libraries/EscrowHash.sol";

/// @title EscrowClaims
/// @notice The claim entry points: the x402 `claim` and `claimWithSignature`, and the packed z402 `claimPacked`.
/// @dev Claims only move accounting (channel and receiver totals); tokens leave through `settle`.
abstract contract EscrowClaims is EscrowCore {
    /// @dev Size of one `claimPacked` entry, see {IZ402Escrow-claimPacked}.
    uint256 private constant PACKED_ENTRY = 173;
    /// @dev Size of one `ClaimedPacked` record: channelId(32) totalClaimed(16).
    uint256 private constant PACKED_LOG_ENTRY = 48;

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
        uint256 offset;
        assembly ("memory-safe") {
            offset := packed.offset
        }
        bytes memory claimed = new bytes((len / PACKED_ENTRY) * PACKED_LOG_ENTRY);
        uint256 scratch = _packedScratch(receiver, receiverAuthorizer, token);
        (uint256 credited, uint256 failure) = _applyPacked(offset, offset + len, scratch, claimed);
        if (failure != 0) _revertPacked(failure & 0xff, failure >> 8, receiver, receiverAuthorizer, token);
        if (credited == 0) return;
        receivers[receiver][token].totalClaimed += SafeCast.toUint128(credited);
        emit ClaimedPacked(receiver, token, msg.sender, claimed);
    }

    /// @dev Lays out, past the free memory pointer, the parts of the hashed structs shared by a whole batch:
    /// ChannelConfig at +0x000 (typehash, payer, payerAuthorizer, receiver, receiverAuthorizer, token, delay, salt),
    /// Voucher at +0x100 (typehash, channelId, max), the EIP-712 envelope at +0x160 (0x1901, domain separator,
    /// struct hash) and the ecrecover input at +0x1c0 (digest, v, r, s).
    function _packedScratch(
        address receiver,
        address receiverAuthorizer,
        address token
    ) private view returns (uint256 p) {
        bytes32 configTypehash = EscrowHash.CHANNEL_CONFIG_TYPEHASH;
        bytes32 voucherTypehash = EscrowHash.VOUCHER_TYPEHASH;
        bytes32 domainSeparator = _domainSeparatorV4();
        assembly ("memory-safe") {
            // One word of headroom: the last event record may spill 16 bytes past the payload buffer.
            p := add(mload(0x40), 0x20)
            mstore(p, configTypehash)
            mstore(add(p, 0x60), receiver)
            mstore(add(p, 0x80), receiverAuthorizer)
            mstore(add(p, 0xa0), token)
            mstore(add(p, 0x100), voucherTypehash)
            mstore(add(p, 0x160), shl(240, 0x1901))
            mstore(add(p, 0x162), domainSeparator)
        }
    }

    /// @dev Applies the packed entries in calldata [o, end) and writes their `ClaimedPacked` records.
    /// Stops at the first bad entry: `failure` is `code | offset << 8` with code 1 above voucher, 2 above balance,
    /// 3 bad signature, 4 no payerAuthorizer, and the entry's calldata offset.
    function _applyPacked(
        uint256 o,
        uint256 end,
        uint256 p,
        bytes memory claimed
    ) private returns (uint256 credited, uint256 failure) {
        assembly ("memory-safe") {
            mstore(claimed, 0)
            mstore(0x20, channels.slot)
            for {} lt(o, end) {
                o := add(o, 173)
            } {
                mstore(add(p, 0x20), shr(96, calldataload(o)))
                mstore(add(p, 0x40), shr(96, calldataload(add(o, 20))))
                mstore(add(p, 0xc0), shr(216, calldataload(add(o, 40))))
                mstore(add(p, 0xe0), calldataload(add(o, 45)))
                mstore(add(p, 0x182), keccak256(p, 0x100))
                let channelId := keccak256(add(p, 0x160), 0x42)
                mstore(0x00, channelId)
                let slot := keccak256(0x00, 0x40)
                let state := sload(slot)
                // amounts = maxClaimableAmount << 128 | totalClaimed
                let amounts := calldataload(add(o, 77))
                // A total at or below the stored one is a stale voucher: skipped.
                if gt(and(amounts, 0xffffffffffffffffffffffffffffffff), shr(128, state)) {
                    if gt(and(amounts, 0xffffffffffffffffffffffffffffffff), shr(128, amounts)) {
                        failure := or(1, shl(8, o))
                        break
                    }
                    if gt(
                        and(amounts, 0xffffffffffffffffffffffffffffffff),
                        and(state, 0xffffffffffffffffffffffffffffffff)
                    ) {
                        failure := or(2, shl(8, o))
                        break
                    }
                    mstore(add(p, 0x120), channelId)
                    mstore(add(p, 0x140), shr(128, amounts))
                    mstore(add(p, 0x182), keccak256(add(p, 0x100), 0x60))
                    mstore(add(p, 0x1c0), keccak256(add(p, 0x160), 0x42))
                    let vs := calldataload(add(o, 141))
                    mstore(add(p, 0x1e0), add(27, shr(255, vs)))
                    mstore(add(p, 0x200), calldataload(add(o, 109)))
                    vs := and(vs, 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff)
                    mstore(add(p, 0x220), vs)
                    mstore(0x00, 0)
                    // s above n/2 is the malleable twin of a valid signature: never recovered.
                    if iszero(gt(vs, 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0)) {
                        pop(staticcall(gas(), 0x01, add(p, 0x1c0), 0x80, 0x00, 0x20))
                    }
                    if iszero(mload(add(p, 0x40))) {
                        failure := or(4, shl(8, o))
                        break
                    }
                    if iszero(eq(mload(0x00), mload(add(p, 0x40)))) {
                        failure := or(3, shl(8, o))
                        break
                    }
                    sstore(slot, or(shl(128, amounts), and(state, 0xffffffffffffffffffffffffffffffff)))
                    credited := add(
                        credited,
                        sub(and(amounts, 0xffffffffffffffffffffffffffffffff), shr(128, state))
                    )
                    vs := mload(claimed)
                    mstore(add(add(claimed, 0x20), vs), channelId)
                    mstore(add(add(claimed, 0x40), vs), shl(128, amounts))
                    mstore(claimed, add(vs, 48))
                }
            }
        }
    }

    /// @dev Reverts with the custom error describing a failed packed entry at calldata offset `o`.
    function _revertPacked(
        uint256 failure,
        uint256 o,
        address receiver,
        address receiverAuthorizer,
        address token
    ) private view {
        bytes32 channelId = _packedChannelId(o, receiver, receiverAuthorizer, token);
        uint256 amounts;
        assembly ("memory-safe") {
            amounts := calldataload(add(o, 77))
        }
        uint128 total = uint128(amounts);
        if (failure == 1) revert EscrowClaimExceedsVoucher(channelId, total, uint128(amounts >> 128));
        if (failure == 2) revert EscrowClaimExceedsBalance(channelId, total, channels[channelId].balance);
        if (failure == 3) revert EscrowInvalidVoucherSignature(channelId);
        revert EscrowPackedNeedsPayerAuthorizer(channelId);
    }

    /// @dev The channel id of the packed entry at calldata offset `o` (its payer fields plus the shared ones).
    function _packedChannelId(
        uint256 o,
        address receiver,
        address receiverAuthorizer,
        address token
    ) private view returns (bytes32) {
        address payer;
        address payerAuthorizer;
        uint40 withdrawDelay;
        bytes32 salt;
        assembly ("memory-safe") {
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
}
