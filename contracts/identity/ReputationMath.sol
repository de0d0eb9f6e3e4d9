// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IReputationPaged} from "../interfaces/IReputationPaged.sol";

/// @title Summary maths and result lists of the reputation registry
/// @notice Same maths as the ERC-8004 reference: every value is scaled to 18 decimals (WAD), averaged (rounding
/// toward zero), then rescaled to the most frequent `valueDecimals` (the smallest one on a tie).
library ReputationMath {
    struct Accumulator {
        int256 wadSum;
        uint64 count;
        uint64[19] decimalCounts;
    }

    struct FeedbackList {
        address[] clients;
        uint64[] indexes;
        int128[] values;
        uint8[] decimals;
        string[] tag1s;
        string[] tag2s;
        bool[] revoked;
    }

    /// @notice Adds one value with `decimals` (at most 18) to the accumulator.
    function add(Accumulator memory acc, int128 value, uint8 decimals) internal pure {
        acc.wadSum += int256(value) * int256(10 ** (18 - uint256(decimals)));
        acc.count += 1;
        acc.decimalCounts[decimals] += 1;
    }

    /// @notice The count, the average rescaled to the mode of the decimals, and that mode.
    function result(
        Accumulator memory acc
    ) internal pure returns (uint64 count, int128 value, uint8 decimals) {
        count = acc.count;
        if (count == 0) return (0, 0, 0);
        uint64 best;
        for (uint8 d; d <= 18; ++d) {
            if (acc.decimalCounts[d] > best) {
                best = acc.decimalCounts[d];
                decimals = d;
            }
        }
        int256 averageWad = acc.wadSum / int256(uint256(count));
        int256 scaled = averageWad / int256(10 ** (18 - uint256(decimals)));
        // Values with few decimals rescaled to many can exceed int128: refuse rather than wrap (the reference wraps).
        if (scaled > type(int128).max || scaled < type(int128).min) {
            revert IReputationPaged.ReputationSummaryOverflow(averageWad, decimals);
        }
        value = int128(scaled);
    }

    /// @notice keccak256 of a tag filter, or zero for the empty filter (matches every tag).
    function tagHash(string calldata tag) internal pure returns (bytes32) {
        return bytes(tag).length == 0 ? bytes32(0) : keccak256(bytes(tag));
    }

    /// @notice A list of `n` empty rows.
    function newList(uint256 n) internal pure returns (FeedbackList memory) {
        return
            FeedbackList(
                new address[](n),
                new uint64[](n),
                new int128[](n),
                new uint8[](n),
                new string[](n),
                new string[](n),
                new bool[](n)
            );
    }

    /// @notice The seven arrays ABI-encoded as one return tuple.
    function encode(FeedbackList memory list) internal pure returns (bytes memory) {
        return
            abi.encode(
                list.clients,
                list.indexes,
                list.values,
                list.decimals,
                list.tag1s,
                list.tag2s,
                list.revoked
            );
    }
}
