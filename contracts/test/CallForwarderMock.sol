// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only contract caller with no token-receiver hooks: forwards a call and bubbles its revert.
contract CallForwarderMock {
    function forward(address target, bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
