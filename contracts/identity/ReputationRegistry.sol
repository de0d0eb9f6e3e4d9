// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {IERC8004Reputation} from "../interfaces/IERC8004Reputation.sol";
import {IReputationPaged} from "../interfaces/IReputationPaged.sol";
import {IAgentIdentityExt} from "../interfaces/IAgentIdentityExt.sol";
import {ReputationReads} from "./ReputationReads.sol";

/// @title ERC-8004 reputation registry
/// @notice Anyone but the agent's owner and operators may rate an agent; clients revoke their own feedback; anyone
/// may respond. Not upgradeable, no owner. The reads live in {ReputationReads}.
contract ReputationRegistry is ERC165, ReputationReads {
    /// @notice Largest accepted `|value|`.
    int128 public constant MAX_ABS_VALUE = 1e38;
    /// @notice Largest accepted `valueDecimals`.
    uint8 public constant MAX_DECIMALS = 18;

    IAgentIdentityExt private immutable _identity;

    constructor(address identityRegistry) {
        if (identityRegistry == address(0)) revert ReputationZeroRegistry();
        _identity = IAgentIdentityExt(identityRegistry);
    }

    /// @inheritdoc IERC8004Reputation
    function getIdentityRegistry() external view returns (address) {
        return address(_identity);
    }

    /// @inheritdoc IERC8004Reputation
    function giveFeedback(
        uint256 agentId,
        int128 value,
        uint8 valueDecimals,
        string memory tag1,
        string memory tag2,
        string memory endpoint,
        string memory feedbackURI,
        bytes32 feedbackHash
    ) public {
        if (valueDecimals > MAX_DECIMALS) revert ReputationDecimalsTooLarge(valueDecimals);
        if (value > MAX_ABS_VALUE || value < -MAX_ABS_VALUE) revert ReputationValueOutOfRange(value);
        _requireNotSelf(agentId);
        uint64 index = _record(agentId, value, valueDecimals, tag1, tag2);
        _emitFeedback(agentId, index, value, valueDecimals, tag1, tag2, endpoint, feedbackURI, feedbackHash);
    }

    /// @inheritdoc IERC8004Reputation
    function revokeFeedback(uint256 agentId, uint64 feedbackIndex) external {
        Feedback storage f = _existing(agentId, msg.sender, feedbackIndex);
        if (f.isRevoked) revert ReputationAlreadyRevoked(agentId, msg.sender, feedbackIndex);
        f.isRevoked = true;
        emit FeedbackRevoked(agentId, msg.sender, feedbackIndex);
    }

    /// @inheritdoc IERC8004Reputation
    function appendResponse(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        string calldata responseURI,
        bytes32 responseHash
    ) external {
        _existing(agentId, clientAddress, feedbackIndex).responseCount++;
        _clientState[agentId][clientAddress].responseCount++;
        _agentResponses[agentId]++;
        _responsesBy[agentId][clientAddress][feedbackIndex][msg.sender]++;
        _clientResponsesBy[agentId][clientAddress][msg.sender]++;
        _agentResponsesBy[agentId][msg.sender]++;
        emit ResponseAppended(agentId, clientAddress, feedbackIndex, msg.sender, responseURI, responseHash);
    }

    /// @notice ERC-165: ERC-8004 reputation and our paged extension.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IERC8004Reputation).interfaceId ||
            interfaceId == type(IReputationPaged).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    function _requireNotSelf(uint256 agentId) private view {
        try _identity.isAuthorizedOrOwner(msg.sender, agentId) returns (bool self) {
            if (self) revert ReputationSelfFeedback(agentId, msg.sender);
        } catch {
            revert ReputationUnknownAgent(agentId);
        }
    }

    function _record(
        uint256 agentId,
        int128 value,
        uint8 valueDecimals,
        string memory tag1,
        string memory tag2
    ) private returns (uint64 index) {
        ClientState storage state = _clientState[agentId][msg.sender];
        index = state.lastIndex + 1;
        if (index == 1) _clients[agentId].push(msg.sender);
        state.lastIndex = index;
        Feedback storage f = _feedback[agentId][msg.sender][index];
        f.value = value;
        f.valueDecimals = valueDecimals;
        if (bytes(tag1).length != 0) f.tag1 = tag1;
        if (bytes(tag2).length != 0) f.tag2 = tag2;
    }

    function _emitFeedback(
        uint256 agentId,
        uint64 index,
        int128 value,
        uint8 valueDecimals,
        string memory tag1,
        string memory tag2,
        string memory endpoint,
        string memory feedbackURI,
        bytes32 feedbackHash
    ) private {
        emit NewFeedback(
            agentId,
            msg.sender,
            index,
            value,
            valueDecimals,
            tag1,
            tag1,
            tag2,
            endpoint,
            feedbackURI,
            feedbackHash
        );
    }
}
