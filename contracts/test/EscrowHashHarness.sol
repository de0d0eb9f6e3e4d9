// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IZ402Escrow} from "../interfaces/IZ402Escrow.sol";
import {EscrowHash} from "../escrow/libraries/EscrowHash.sol";

/// @title EscrowHashHarness
/// @notice Exposes the internal EscrowHash library to tests (type strings, typehashes, struct hashes).
contract EscrowHashHarness {
    function typeStrings() external pure returns (string[5] memory) {
        return
            [
                EscrowHash.CHANNEL_CONFIG_TYPE,
                EscrowHash.VOUCHER_TYPE,
                EscrowHash.REFUND_TYPE,
                EscrowHash.CLAIM_ENTRY_TYPE,
                EscrowHash.CLAIM_BATCH_TYPE
            ];
    }

    function typehashes() external pure returns (bytes32[5] memory) {
        return
            [
                EscrowHash.CHANNEL_CONFIG_TYPEHASH,
                EscrowHash.VOUCHER_TYPEHASH,
                EscrowHash.REFUND_TYPEHASH,
                EscrowHash.CLAIM_ENTRY_TYPEHASH,
                EscrowHash.CLAIM_BATCH_TYPEHASH
            ];
    }

    function hashConfig(IZ402Escrow.ChannelConfig calldata c) external pure returns (bytes32) {
        return EscrowHash.hashConfig(c);
    }

    function hashConfigFields(IZ402Escrow.ChannelConfig calldata c) external pure returns (bytes32) {
        return
            EscrowHash.hashConfig(
                c.payer,
                c.payerAuthorizer,
                c.receiver,
                c.receiverAuthorizer,
                c.token,
                c.withdrawDelay,
                c.salt
            );
    }

    function hashVoucher(bytes32 channelId, uint128 maxClaimableAmount) external pure returns (bytes32) {
        return EscrowHash.hashVoucher(channelId, maxClaimableAmount);
    }

    function hashRefund(bytes32 channelId, uint256 nonce, uint128 amount) external pure returns (bytes32) {
        return EscrowHash.hashRefund(channelId, nonce, amount);
    }

    function hashClaimBatch(
        bytes32[] calldata channelIds,
        uint128[] calldata maxes,
        uint128[] calldata totals
    ) external pure returns (bytes32) {
        bytes32[] memory entries = new bytes32[](channelIds.length);
        for (uint256 i; i < entries.length; ++i) {
            entries[i] = EscrowHash.hashClaimEntry(channelIds[i], maxes[i], totals[i]);
        }
        return EscrowHash.hashClaimBatch(entries);
    }
}
