// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Bounds of one page of a list
library Paging {
    /// @notice The half-open range `[start, end)` of the page `[offset, offset + limit)` clamped to `length`.
    function window(
        uint256 length,
        uint256 offset,
        uint256 limit
    ) internal pure returns (uint256 start, uint256 end) {
        if (offset >= length) return (length, length);
        start = offset;
        end = limit > length - offset ? length : offset + limit;
    }

    /// @notice Copies one page of a bytes32 list.
    function page(
        bytes32[] storage list,
        uint256 offset,
        uint256 limit
    ) internal view returns (bytes32[] memory out) {
        (uint256 start, uint256 end) = window(list.length, offset, limit);
        out = new bytes32[](end - start);
        for (uint256 i = start; i < end; ++i) out[i - start] = list[i];
    }

    /// @notice Copies one page of an address list.
    function page(
        address[] storage list,
        uint256 offset,
        uint256 limit
    ) internal view returns (address[] memory out) {
        (uint256 start, uint256 end) = window(list.length, offset, limit);
        out = new address[](end - start);
        for (uint256 i = start; i < end; ++i) out[i - start] = list[i];
    }
}
