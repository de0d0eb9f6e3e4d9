// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC8004Reputation} from "../interfaces/IERC8004Reputation.sol";
import {IReputationPaged} from "../interfaces/IReputationPaged.sol";
import {ReputationMath} from "./ReputationMath.sol";
import {Paging} from "./Paging.sol";

/// @title Storage and every read of the reputation registry
/// @notice Summaries use the ERC-8004 reference maths and only over a caller-given client list; response counts are
/// counters, so `getResponseCount` never loops; every list read has a paged form.
abstract contract ReputationReads is IERC8004Reputation, IReputationPaged {
    using ReputationMath for ReputationMath.Accumulator;

    /// @dev One feedback; `responseCount` counts responses to it. endpoint, URI and hash are only emitted.
    struct Feedback {
        int128 value;
        uint8 valueDecimals;
        bool isRevoked;
        uint64 responseCount;
        string tag1;
        string tag2;
    }

    /// @dev A read filter; zero tag hashes match every tag.
    struct Filter {
        uint256 agentId;
        bytes32 t1;
        bytes32 t2;
        bool includeRevoked;
    }

    /// @dev Per (agent, client): the last 1-based feedback index and the responses to all its feedback.
    struct ClientState {
        uint64 lastIndex;
        uint64 responseCount;
    }

    mapping(uint256 agentId => mapping(address client => mapping(uint64 index => Feedback)))
        internal _feedback;
    mapping(uint256 agentId => mapping(address client => ClientState)) internal _clientState;
    mapping(uint256 agentId => address[]) internal _clients;
    /// @dev Response counters by scope: whole agent; (feedback, responder); (client, responder); (agent, responder).
    mapping(uint256 agentId => uint64) internal _agentResponses;
    mapping(uint256 agentId => mapping(address client => mapping(uint64 index => mapping(address => uint64))))
        internal _responsesBy;
    mapping(uint256 agentId => mapping(address client => mapping(address responder => uint64)))
        internal _clientResponsesBy;
    mapping(uint256 agentId => mapping(address responder => uint64)) internal _agentResponsesBy;

    /// @inheritdoc IERC8004Reputation
    function getSummary(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2
    ) external view returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals) {
        (ReputationMath.Accumulator memory acc, ) = _sum(
            _filter(agentId, tag1, tag2),
            clientAddresses,
            1,
            type(uint256).max
        );
        return acc.result();
    }

    /// @inheritdoc IReputationPaged
    function getSummaryPage(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2,
        uint64 fromIndex,
        uint64 maxItems
    ) external view returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals, bool truncated) {
        // Re-decoded from calldata in `_summaryPage`: the arguments and results do not fit the stack without via-IR.
        (agentId, clientAddresses, tag1, tag2, fromIndex, maxItems);
        return _summaryPage();
    }

    /// @inheritdoc IERC8004Reputation
    function readFeedback(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex
    )
        external
        view
        returns (int128 value, uint8 valueDecimals, string memory tag1, string memory tag2, bool isRevoked)
    {
        Feedback storage f = _existing(agentId, clientAddress, feedbackIndex);
        return (f.value, f.valueDecimals, f.tag1, f.tag2, f.isRevoked);
    }

    /// @inheritdoc IERC8004Reputation
    function readAllFeedback(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2,
        bool includeRevoked
    )
        external
        view
        returns (
            address[] memory,
            uint64[] memory,
            int128[] memory,
            uint8[] memory,
            string[] memory,
            string[] memory,
            bool[] memory
        )
    {
        // Decoded again from calldata inside `_readAll`: seven return arrays plus the arguments do not fit the
        // stack without via-IR.
        (agentId, clientAddresses, tag1, tag2, includeRevoked);
        bytes memory encoded = _readAll();
        // The seven arrays are already ABI-encoded as this function's return tuple.
        assembly ("memory-safe") {
            return(add(encoded, 32), mload(encoded))
        }
    }

    /// @inheritdoc IReputationPaged
    function readFeedbackPage(
        uint256 agentId,
        address clientAddress,
        uint64 fromIndex,
        uint64 limit
    ) external view returns (FeedbackPage memory page) {
        uint256 last = _clientState[agentId][clientAddress].lastIndex;
        (uint256 start, uint256 end) = Paging.window(last, fromIndex == 0 ? 0 : fromIndex - 1, limit);
        uint256 n = end - start;
        page = FeedbackPage(
            new uint64[](n),
            new int128[](n),
            new uint8[](n),
            new string[](n),
            new string[](n),
            new bool[](n)
        );
        for (uint256 i; i < n; ++i) {
            uint64 index = uint64(start + i + 1);
            Feedback storage f = _feedback[agentId][clientAddress][index];
            page.feedbackIndexes[i] = index;
            page.feedbackValues[i] = f.value;
            page.valueDecimals[i] = f.valueDecimals;
            page.tag1s[i] = f.tag1;
            page.tag2s[i] = f.tag2;
            page.revokedStatuses[i] = f.isRevoked;
        }
    }

    /// @inheritdoc IERC8004Reputation
    function getResponseCount(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        address[] calldata responders
    ) external view returns (uint64 count) {
        if (responders.length == 0) {
            if (clientAddress == address(0)) return _agentResponses[agentId];
            if (feedbackIndex == 0) return _clientState[agentId][clientAddress].responseCount;
            return _feedback[agentId][clientAddress][feedbackIndex].responseCount;
        }
        for (uint256 i; i < responders.length; ++i) {
            address r = responders[i];
            if (clientAddress == address(0)) count += _agentResponsesBy[agentId][r];
            else if (feedbackIndex == 0) count += _clientResponsesBy[agentId][clientAddress][r];
            else count += _responsesBy[agentId][clientAddress][feedbackIndex][r];
        }
    }

    /// @inheritdoc IERC8004Reputation
    function getClients(uint256 agentId) external view returns (address[] memory) {
        return _clients[agentId];
    }

    /// @inheritdoc IReputationPaged
    function getClientsPage(
        uint256 agentId,
        uint256 offset,
        uint256 limit
    ) external view returns (address[] memory) {
        return Paging.page(_clients[agentId], offset, limit);
    }

    /// @inheritdoc IReputationPaged
    function clientCount(uint256 agentId) external view returns (uint256) {
        return _clients[agentId].length;
    }

    /// @inheritdoc IERC8004Reputation
    function getLastIndex(uint256 agentId, address clientAddress) external view returns (uint64) {
        return _clientState[agentId][clientAddress].lastIndex;
    }

    function _existing(
        uint256 agentId,
        address client,
        uint64 index
    ) internal view returns (Feedback storage) {
        if (index == 0 || index > _clientState[agentId][client].lastIndex) {
            revert ReputationFeedbackNotFound(agentId, client, index);
        }
        return _feedback[agentId][client][index];
    }

    function _summaryPage() private view returns (uint64, int128, uint8, bool) {
        (
            uint256 agentId,
            address[] memory clients,
            string memory tag1,
            string memory tag2,
            uint64 from,
            uint64 max
        ) = abi.decode(msg.data[4:], (uint256, address[], string, string, uint64, uint64));
        uint256 first = from == 0 ? 1 : from;
        (ReputationMath.Accumulator memory acc, bool truncated) = _sum(
            Filter(agentId, _hash(tag1), _hash(tag2), false),
            clients,
            first,
            first + max - 1
        );
        (uint64 count, int128 value, uint8 decimals) = acc.result();
        return (count, value, decimals, truncated);
    }

    function _hash(string memory tag) private pure returns (bytes32) {
        return bytes(tag).length == 0 ? bytes32(0) : keccak256(bytes(tag));
    }

    function _filter(
        uint256 agentId,
        string calldata tag1,
        string calldata tag2
    ) private pure returns (Filter memory) {
        return Filter(agentId, ReputationMath.tagHash(tag1), ReputationMath.tagHash(tag2), false);
    }

    function _sum(
        Filter memory filter,
        address[] memory clients,
        uint256 from,
        uint256 lastAllowed
    ) private view returns (ReputationMath.Accumulator memory acc, bool truncated) {
        if (clients.length == 0) revert ReputationClientsRequired();
        for (uint256 c; c < clients.length; ++c) {
            if (_accumulate(acc, filter, clients[c], from, lastAllowed)) truncated = true;
        }
    }

    /// @dev Adds a client's matching feedback with indexes `[from, lastAllowed]`; true when more exist.
    function _accumulate(
        ReputationMath.Accumulator memory acc,
        Filter memory filter,
        address client,
        uint256 from,
        uint256 lastAllowed
    ) private view returns (bool truncated) {
        uint256 last = _clientState[filter.agentId][client].lastIndex;
        if (last > lastAllowed) {
            truncated = true;
            last = lastAllowed;
        }
        for (uint256 j = from; j <= last; ++j) {
            Feedback storage f = _feedback[filter.agentId][client][uint64(j)];
            if (_matches(f, filter.t1, filter.t2, false)) acc.add(f.value, f.valueDecimals);
        }
    }

    function _readAll() private view returns (bytes memory) {
        (
            uint256 agentId,
            address[] memory clients,
            string memory tag1,
            string memory tag2,
            bool includeRevoked
        ) = abi.decode(msg.data[4:], (uint256, address[], string, string, bool));
        if (clients.length == 0) clients = _clients[agentId];
        Filter memory filter = Filter(
            agentId,
            bytes(tag1).length == 0 ? bytes32(0) : keccak256(bytes(tag1)),
            bytes(tag2).length == 0 ? bytes32(0) : keccak256(bytes(tag2)),
            includeRevoked
        );
        uint256 total;
        for (uint256 c; c < clients.length; ++c) total += _countMatches(filter, clients[c]);
        ReputationMath.FeedbackList memory out = ReputationMath.newList(total);
        uint256 k;
        for (uint256 c; c < clients.length; ++c) k = _fill(out, k, filter, clients[c]);
        return ReputationMath.encode(out);
    }

    function _countMatches(Filter memory filter, address client) private view returns (uint256 n) {
        uint64 last = _clientState[filter.agentId][client].lastIndex;
        for (uint64 j = 1; j <= last; ++j) {
            if (_matches(_feedback[filter.agentId][client][j], filter.t1, filter.t2, filter.includeRevoked))
                ++n;
        }
    }

    function _fill(
        ReputationMath.FeedbackList memory out,
        uint256 k,
        Filter memory filter,
        address client
    ) private view returns (uint256) {
        uint64 last = _clientState[filter.agentId][client].lastIndex;
        for (uint64 j = 1; j <= last; ++j) {
            Feedback storage f = _feedback[filter.agentId][client][j];
            if (!_matches(f, filter.t1, filter.t2, filter.includeRevoked)) continue;
            out.clients[k] = client;
            out.indexes[k] = j;
            out.values[k] = f.value;
            out.decimals[k] = f.valueDecimals;
            out.tag1s[k] = f.tag1;
            out.tag2s[k] = f.tag2;
            out.revoked[k] = f.isRevoked;
            ++k;
        }
        return k;
    }

    function _matches(
        Feedback storage f,
        bytes32 t1,
        bytes32 t2,
        bool includeRevoked
    ) private view returns (bool) {
        if (f.isRevoked && !includeRevoked) return false;
        if (t1 != 0 && keccak256(bytes(f.tag1)) != t1) return false;
        if (t2 != 0 && keccak256(bytes(f.tag2)) != t2) return false;
        return true;
    }
}
