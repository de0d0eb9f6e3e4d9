/**
 * The x402 reference deployment's addresses, hard-coded by `@x402/evm`. Z402Escrow is wire compatible with the
 * contract at `BATCH_SETTLEMENT_ADDRESS`; our own deployments are listed in `deployments/<chainId>.json`.
 */
export const X402_BATCH_SETTLEMENT_ADDRESS = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003" as const;
export const X402_ERC3009_DEPOSIT_COLLECTOR_ADDRESS = "0x4020806089470a89826cB9fB1f4059150b550004" as const;
