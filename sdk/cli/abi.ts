/**
 * The contract fragments the CLI calls and the custom errors it turns into sentences, human-readable so the CLI
 * (and `npm run demo`, which shares its error rendering) loads before any compile. A test checks every fragment
 * against the compiled ABIs.
 */
const CONFIG =
  "(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt)";

const ESCROW_ERRORS = [
  "error EscrowWithdrawDelayOutOfRange(uint40 withdrawDelay)",
  "error EscrowZeroAddress()",
  "error EscrowZeroAmount()",
  "error EscrowNothingReceived(bytes32 channelId)",
  "error EscrowAmountTooLarge(bytes32 channelId, uint256 amount, uint256 available)",
  "error EscrowEmptyBatch()",
  "error EscrowNotReceiverSide(bytes32 channelId, address caller)",
  "error EscrowNotPayerSide(bytes32 channelId, address caller)",
  "error EscrowClaimExceedsVoucher(bytes32 channelId, uint128 totalClaimed, uint128 maxClaimableAmount)",
  "error EscrowClaimExceedsBalance(bytes32 channelId, uint128 totalClaimed, uint128 balance)",
  "error EscrowInvalidVoucherSignature(bytes32 channelId)",
  "error EscrowInvalidAuthorizerSignature(address receiverAuthorizer)",
  "error EscrowAuthorizerMismatch(address expected, address actual)",
  "error EscrowInvalidRefundNonce(bytes32 channelId, uint256 expected, uint256 actual)",
  "error EscrowNoPendingWithdrawal(bytes32 channelId)",
  "error EscrowWithdrawNotReady(bytes32 channelId, uint256 readyAt)",
];

export const ESCROW_ABI = [
  `event ChannelCreated(bytes32 indexed channelId, ${CONFIG} config)`,
  // What moved, as the commands print it: read from these events in each transaction's receipt.
  "event Settled(address indexed receiver, address indexed token, address indexed sender, uint128 amount)",
  "event Refunded(bytes32 indexed channelId, address indexed sender, uint128 amount, uint256 nonce)",
  "event WithdrawInitiated(bytes32 indexed channelId, uint128 amount, uint40 initiatedAt)",
  "event WithdrawFinalized(bytes32 indexed channelId, uint128 amount)",
  "function settle(address receiver, address token)",
  `function refund(${CONFIG} config, uint128 amount)`,
  `function initiateWithdraw(${CONFIG} config, uint128 amount)`,
  `function finalizeWithdraw(${CONFIG} config)`,
  "function channels(bytes32 channelId) view returns (uint128 balance, uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32 channelId) view returns (uint128 amount, uint40 initiatedAt)",
  "function receivers(address receiver, address token) view returns (uint128 totalClaimed, uint128 totalSettled)",
  ...ESCROW_ERRORS,
];

/** Errors of the token, the agent contracts and the reputation registry. */
export const OTHER_ERRORS = [
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error AgentAccountNotOwner(address caller)",
  "error AgentAccountNotAuthorized(address caller)",
  "error AgentFactoryAccountExists(address account)",
  "error ReputationUnknownAgent(uint256 agentId)",
  "error ReputationSelfFeedback(uint256 agentId, address caller)",
];

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
