// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title GasProbe
/// @notice Runs a sequence of calls in one transaction and reports the gas of the last one, like Foundry's
/// `snapshotGasLastCall` in a test whose setup calls share the transaction (warm accounts and slots).
contract GasProbe {
    struct Call {
        address to;
        bytes data;
    }

    /// @notice Gas used by the last call, measured around the call itself.
    uint256 public lastCallGas;

    error ProbeCallFailed(uint256 index, bytes reason);

    function run(Call[] calldata calls) external returns (uint256 used) {
        uint256 last = calls.length - 1;
        for (uint256 i; i < last; ++i) _call(i, calls[i]);
        uint256 before = gasleft();
        _call(last, calls[last]);
        used = before - gasleft();
        lastCallGas = used;
    }

    function _call(uint256 i, Call calldata c) private {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = c.to.call(c.data);
        if (!ok) revert ProbeCallFailed(i, reason);
    }
}
