// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IZ402Escrow} from "../../interfaces/IZ402Escrow.sol";

/// @title EscrowHash
/// @notice EIP-712 type strings, typehashes and struct hashes of the z402 escrow (the x402 batch-settlement types).
/// @dev The SDK mirrors these in `sdk/eip712`; a test keeps both equal.
library EscrowHash {
    /// @notice EIP-712 domain name and version of the escrow.
    string internal constant DOMAIN_NAME = "x402 Batch Settlement";
    string internal constant DOMAIN_VERSION = "1";

    string internal constant CHANNEL_CONFIG_TYPE =
        "ChannelConfig(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,"
        "address token,uint40 withdrawDelay,bytes32 salt)";
    string internal constant VOUCHER_TYPE = "Voucher(bytes32 channelId,uint128 maxClaimableAmount)";
    string internal constant REFUND_TYPE = "Refund(bytes32 channelId,uint256 nonce,uint128 amount)";
    string internal constant CLAIM_ENTRY_TYPE =
        "ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)";
    string internal constant CLAIM_BATCH_TYPE =
        "ClaimBatch(ClaimEntry[] claims)ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)";

    bytes32 internal constant CHANNEL_CONFIG_TYPEHASH = keccak256(bytes(CHANNEL_CONFIG_TYPE));
    bytes32 internal constant VOUCHER_TYPEHASH = keccak256(bytes(VOUCHER_TYPE));
    bytes32 internal constant REFUND_TYPEHASH = keccak256(bytes(REFUND_TYPE));
    bytes32 internal constant CLAIM_ENTRY_TYPEHASH = keccak256(bytes(CLAIM_ENTRY_TYPE));
    bytes32 internal constant CLAIM_BATCH_TYPEHASH = keccak256(bytes(CLAIM_BATCH_TYPE));

    /// @notice hashStruct(ChannelConfig).
    function hashConfig(IZ402Escrow.ChannelConfig calldata c) internal pure returns (bytes32) {
        return keccak256(abi.encode(CHANNEL_CONFIG_TYPEHASH, c));
    }

    /// @notice hashStruct(ChannelConfig) from its fields (the packed claim path).
    function hashConfig(
        address payer,
        address payerAuthorizer,
        address receiver,
        address receiverAuthorizer,
        address token,
        uint40 withdrawDelay,
        bytes32 salt
    ) internal pure returns (bytes32 h) {
        bytes32 typehash = CHANNEL_CONFIG_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typehash)
            mstore(add(p, 0x20), payer)
            mstore(add(p, 0x40), payerAuthorizer)
            mstore(add(p, 0x60), receiver)
            mstore(add(p, 0x80), receiverAuthorizer)
            mstore(add(p, 0xa0), token)
            mstore(add(p, 0xc0), withdrawDelay)
            mstore(add(p, 0xe0), salt)
            h := keccak256(p, 0x100)
        }
    }

    /// @notice hashStruct(Voucher).
    function hashVoucher(bytes32 channelId, uint128 maxClaimableAmount) internal pure returns (bytes32 h) {
        bytes32 typehash = VOUCHER_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typehash)
            mstore(add(p, 0x20), channelId)
            mstore(add(p, 0x40), maxClaimableAmount)
            h := keccak256(p, 0x60)
        }
    }

    /// @notice hashStruct(Refund).
    function hashRefund(bytes32 channelId, uint256 nonce, uint128 amount) internal pure returns (bytes32) {
        return keccak256(abi.encode(REFUND_TYPEHASH, channelId, nonce, amount));
    }

    /// @notice hashStruct(ClaimEntry).
    function hashClaimEntry(
        bytes32 channelId,
        uint128 maxClaimableAmount,
        uint128 totalClaimed
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(CLAIM_ENTRY_TYPEHASH, channelId, maxClaimableAmount, totalClaimed));
    }

    /// @notice hashStruct(ClaimBatch) given the entries' struct hashes, in order.
    function hashClaimBatch(bytes32[] memory entryHashes) internal pure returns (bytes32) {
        return keccak256(abi.encode(CLAIM_BATCH_TYPEHASH, keccak256(abi.encodePacked(entryHashes))));
    }
}
