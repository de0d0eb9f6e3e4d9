/**
 * The escrow ABI (the SDK's TypeChain bindings, so every custom error decodes by name), plus the custom errors
 * of the token, the agent contracts and the reputation registry that the CLI turns into sentences.
 */
import { escrowAbi } from "../contracts/abis";

export const ESCROW_ABI = [
  ...escrowAbi,
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error AgentAccountNotOwner(address caller)",
  "error AgentAccountNotAuthorized(address caller)",
  "error AgentFactoryAccountExists(address account)",
  "error ReputationUnknownAgent(uint256 agentId)",
  "error ReputationSelfFeedback(uint256 agentId, address caller)",
] as const;

export const ERC20_ABI = [
  "function balanceOf(address) view returns (uint256)",
  "function symbol() view returns (string)",
];

/** The decoded `ChannelConfig` tuple. */
export interface ChannelConfig {
  payer: string;
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: bigint;
  salt: string;
}

export const REPUTATION_ABI = [
  "function giveFeedback(uint256 agentId, int128 value, uint8 valueDecimals, string tag1, string tag2, string endpoint, string feedbackURI, bytes32 feedbackHash)",
];

export const ACCOUNT_ABI = [
  "function heartbeat()",
  "function isActive(uint256 maxAge) view returns (bool)",
  "function cardHash() view returns (bytes32)",
];

export const IDENTITY_ABI = ["function ownerOf(uint256 agentId) view returns (address)"];
