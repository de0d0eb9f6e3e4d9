/**
 * The escrow ABI fragments the CLI calls, with the contract's custom errors so reverts decode by name.
 * (Human-readable, so the CLI bundle does not carry the full artifacts.)
 */
const CONFIG =
  "(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt)";

export const ESCROW_ABI = [
  `event ChannelCreated(bytes32 indexed channelId, ${CONFIG} config)`,
  "event Deposited(bytes32 indexed channelId, address indexed sender, uint128 amount, uint128 newBalance)",
  "function settle(address receiver, address token)",
  `function refund(${CONFIG} config, uint128 amount)`,
  `function initiateWithdraw(${CONFIG} config, uint128 amount)`,
  `function finalizeWithdraw(${CONFIG} config)`,
  "function channels(bytes32 channelId) view returns (uint128 balance, uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32 channelId) view returns (uint128 amount, uint40 initiatedAt)",
  "function receivers(address receiver, address token) view returns (uint128 totalClaimed, uint128 totalSettled)",
  "error EscrowWithdrawDelayOutOfRange(uint40 withdrawDelay)",
  "error EscrowZeroAddress()",
  "error EscrowZeroAmount()",
  "error EscrowAmountTooLarge(bytes32 channelId, uint256 amount, uint256 available)",
  "error EscrowNotReceiverSide(bytes32 channelId, address caller)",
  "error EscrowNotPayerSide(bytes32 channelId, address caller)",
  "error EscrowNoPendingWithdrawal(bytes32 channelId)",
  "error EscrowWithdrawNotReady(bytes32 channelId, uint256 readyAt)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
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
