// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {IERC8004Validation} from "../interfaces/IERC8004Validation.sol";
import {IValidationPaged} from "../interfaces/IValidationPaged.sol";
import {IAgentIdentityExt} from "../interfaces/IAgentIdentityExt.sol";
import {Paging} from "./Paging.sol";

/// @title ERC-8004 validation registry
/// @notice An agent's owner or operator asks a named validator to check a request; the validator answers 0..100,
/// as often as it likes (for example with a "soft" then a "hard" tag), but never lowers its answer.
/// @dev Request squatting. `requestHash` is public the moment a request is broadcast, so anyone with an agent can
/// submit it first for its own agent. The ERC-8004 `validationResponse` names only the hash, so no registry can
/// tell the victim's request from the squatter's: a hash requested by one agent looks the same whoever computed it.
/// What this registry guarantees instead:
/// - One hash, one agent, for good. The first request binds `requestHash` to its agent; every later request for
///   that hash, from any agent, reverts with `ValidationDuplicateRequest(requestHash, agentId)` naming the holder.
///   So the hash's single `ValidationRequest` event, `getValidationStatus` and every indexer keyed by the hash
///   (as the ERC-8004 subgraphs are) agree on one agent, and nothing can later re-point it. Keying by
///   (agentId, requestHash) was rejected: the ABI's response and status calls would become ambiguous, and a
///   second `ValidationRequest` event for a hash re-points indexers keyed by the hash to the second agent.
/// - A response credits exactly the agent in that binding. A validator answering the on-chain request it saw
///   credits the agent named there; a validator that checked a given agent's work (a request it received off
///   chain, say) calls `validationResponseFor(agentId, ...)`, which reverts with `ValidationWrongAgent` when the
///   hash belongs to another agent. Front-running can then never move a validator's credit to the squatter.
/// - Squatting only blocks, and blocking is cheap to route around: the victim re-requests with a fresh nonce in
///   its payload (a new hash), paying one reverted call; the squatter paid a full request and holds a hash no
///   careful validator will answer. Payloads should name the agent (agentRegistry and agentId), so a squatted
///   record is visibly not the payload's agent.
contract ValidationRegistry is ERC165, IERC8004Validation, IValidationPaged {
    /// @notice Largest response.
    uint8 public constant MAX_RESPONSE = 100;

    /// @dev `agentId` is written once, by the first request for the hash, and never changes.
    struct Status {
        address validator;
        uint8 response;
        bool responded;
        uint40 lastUpdate;
        uint256 agentId;
        bytes32 responseHash;
        string tag;
    }

    IAgentIdentityExt private immutable _identity;
    mapping(bytes32 requestHash => Status) private _status;
    mapping(uint256 agentId => bytes32[]) private _agentRequests;
    mapping(address validator => bytes32[]) private _validatorRequests;

    constructor(address identityRegistry) {
        if (identityRegistry == address(0)) revert ValidationZeroRegistry();
        _identity = IAgentIdentityExt(identityRegistry);
    }

    /// @inheritdoc IERC8004Validation
    function getIdentityRegistry() external view returns (address) {
        return address(_identity);
    }

    /// @inheritdoc IERC8004Validation
    /// @dev Binds `requestHash` to `agentId` for good; see the contract notes on squatting.
    function validationRequest(
        address validatorAddress,
        uint256 agentId,
        string calldata requestURI,
        bytes32 requestHash
    ) external {
        if (validatorAddress == address(0)) revert ValidationZeroValidator();
        // Reverts with the registry's ERC721NonexistentToken for a missing agent.
        if (!_identity.isAuthorizedOrOwner(msg.sender, agentId))
            revert ValidationNotAuthorized(agentId, msg.sender);
        Status storage s = _status[requestHash];
        if (s.validator != address(0)) revert ValidationDuplicateRequest(requestHash, s.agentId);
        s.validator = validatorAddress;
        s.lastUpdate = uint40(block.timestamp);
        s.agentId = agentId;
        _agentRequests[agentId].push(requestHash);
        _validatorRequests[validatorAddress].push(requestHash);
        emit ValidationRequest(validatorAddress, agentId, requestURI, requestHash);
    }

    /// @inheritdoc IERC8004Validation
    /// @dev Credits the agent the hash is bound to (the one in its `ValidationRequest` event). A validator acting on
    /// a request it received off chain should use `validationResponseFor`.
    function validationResponse(
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external {
        _respond(_known(requestHash), requestHash, response, responseURI, responseHash, tag);
    }

    /// @inheritdoc IValidationPaged
    function validationResponseFor(
        uint256 agentId,
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external {
        Status storage s = _known(requestHash);
        if (s.agentId != agentId) revert ValidationWrongAgent(requestHash, agentId, s.agentId);
        _respond(s, requestHash, response, responseURI, responseHash, tag);
    }

    /// @inheritdoc IERC8004Validation
    function getValidationStatus(
        bytes32 requestHash
    )
        external
        view
        returns (
            address validatorAddress,
            uint256 agentId,
            uint8 response,
            bytes32 responseHash,
            string memory tag,
            uint256 lastUpdate
        )
    {
        Status storage s = _known(requestHash);
        return (s.validator, s.agentId, s.response, s.responseHash, s.tag, s.lastUpdate);
    }

    /// @inheritdoc IValidationPaged
    function hasResponse(bytes32 requestHash) external view returns (bool) {
        return _status[requestHash].responded;
    }

    /// @inheritdoc IERC8004Validation
    function getSummary(
        uint256 agentId,
        address[] calldata validatorAddresses,
        string calldata tag
    ) external view returns (uint64 count, uint8 averageResponse) {
        (count, averageResponse, ) = _summary(
            agentId,
            validatorAddresses,
            _tagHash(tag),
            0,
            type(uint256).max
        );
    }

    /// @inheritdoc IValidationPaged
    function getSummaryPage(
        uint256 agentId,
        address[] calldata validatorAddresses,
        string calldata tag,
        uint256 offset,
        uint256 limit
    ) external view returns (uint64 count, uint8 averageResponse, bool truncated) {
        return _summary(agentId, validatorAddresses, _tagHash(tag), offset, limit);
    }

    /// @inheritdoc IERC8004Validation
    function getAgentValidations(uint256 agentId) external view returns (bytes32[] memory) {
        return _agentRequests[agentId];
    }

    /// @inheritdoc IERC8004Validation
    function getValidatorRequests(address validatorAddress) external view returns (bytes32[] memory) {
        return _validatorRequests[validatorAddress];
    }

    /// @inheritdoc IValidationPaged
    function agentValidationCount(uint256 agentId) external view returns (uint256) {
        return _agentRequests[agentId].length;
    }

    /// @inheritdoc IValidationPaged
    function validatorRequestCount(address validatorAddress) external view returns (uint256) {
        return _validatorRequests[validatorAddress].length;
    }

    /// @inheritdoc IValidationPaged
    function getAgentValidationsPage(
        uint256 agentId,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory) {
        return Paging.page(_agentRequests[agentId], offset, limit);
    }

    /// @inheritdoc IValidationPaged
    function getValidatorRequestsPage(
        address validatorAddress,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory) {
        return Paging.page(_validatorRequests[validatorAddress], offset, limit);
    }

    /// @notice ERC-165: ERC-8004 validation and our paged extension.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IERC8004Validation).interfaceId ||
            interfaceId == type(IValidationPaged).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /// @dev The request stored under `requestHash`; reverts when there is none.
    function _known(bytes32 requestHash) private view returns (Status storage s) {
        s = _status[requestHash];
        if (s.validator == address(0)) revert ValidationUnknownRequest(requestHash);
    }

    /// @dev Records the named validator's response to `s` and emits `ValidationResponse`.
    function _respond(
        Status storage s,
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) private {
        if (s.validator != msg.sender) revert ValidationNotValidator(requestHash, msg.sender);
        if (response > MAX_RESPONSE) revert ValidationResponseOutOfRange(response);
        if (s.responded && response < s.response)
            revert ValidationResponseDecreased(requestHash, s.response, response);
        s.response = response;
        s.responded = true;
        s.lastUpdate = uint40(block.timestamp);
        s.responseHash = responseHash;
        s.tag = tag;
        emit ValidationResponse(msg.sender, s.agentId, requestHash, response, responseURI, responseHash, tag);
    }

    /// @dev Counts responded requests in `[offset, offset + limit)` of the agent's list, filtered by validators
    /// (any when empty) and tag (any when zero).
    function _summary(
        uint256 agentId,
        address[] calldata validators,
        bytes32 tagHash,
        uint256 offset,
        uint256 limit
    ) private view returns (uint64 count, uint8 average, bool truncated) {
        bytes32[] storage list = _agentRequests[agentId];
        uint256 end;
        (offset, end) = Paging.window(list.length, offset, limit);
        truncated = end < list.length;
        uint256 total;
        for (; offset < end; ++offset) {
            Status storage s = _status[list[offset]];
            if (_counts(s, validators, tagHash)) {
                total += s.response;
                ++count;
            }
        }
        if (count != 0) average = uint8(total / count);
    }

    function _counts(
        Status storage s,
        address[] calldata validators,
        bytes32 tagHash
    ) private view returns (bool) {
        if (!s.responded || !_listed(validators, s.validator)) return false;
        return tagHash == 0 || keccak256(bytes(s.tag)) == tagHash;
    }

    function _tagHash(string calldata tag) private pure returns (bytes32) {
        return bytes(tag).length == 0 ? bytes32(0) : keccak256(bytes(tag));
    }

    function _listed(address[] calldata validators, address validator) private pure returns (bool) {
        if (validators.length == 0) return true;
        for (uint256 i; i < validators.length; ++i) {
            if (validators[i] == validator) return true;
        }
        return false;
    }
}
