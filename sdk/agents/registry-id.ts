import { AgentError } from "./errors";
import type { Address, Erc8004Registration } from "./types";

/** `eip155:{chainId}:{registry}`: the ERC-8004 `agentRegistry` string. */
export function formatAgentRegistry(chainId: number | bigint, registry: Address): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(registry))
    throw new AgentError("invalid_agent_registry", `registry ${registry} is not an address`);
  return `eip155:${chainId.toString()}:${registry}`;
}

/** Inverse of {@link formatAgentRegistry}. */
export function parseAgentRegistry(s: string): { namespace: string; chainId: number; address: Address } {
  const m = /^([-a-z0-9]{3,8}):([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/.exec(s);
  if (!m) throw new AgentError("invalid_agent_registry", `not an agent registry id: ${s}`);
  return { namespace: m[1], chainId: Number(m[2]), address: m[3] as Address };
}

/** A registration entry; `agentId` is a JSON number when it is a safe integer, else a decimal string. */
export function registrationEntry(
  chainId: number | bigint,
  registry: Address,
  agentId: bigint,
): Erc8004Registration {
  return {
    agentId: agentId <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(agentId) : agentId.toString(),
    agentRegistry: formatAgentRegistry(chainId, registry),
  };
}

/** EIP-712 typed data for `setAgentWallet` (signed by the new wallet). */
export interface AgentWalletTypedData {
  domain: { name: string; version: string; chainId: number; verifyingContract: Address };
  types: { AgentWalletSet: { name: string; type: string }[] };
  primaryType: "AgentWalletSet";
  message: { agentId: bigint; newWallet: Address; owner: Address; deadline: bigint };
}

export const AGENT_WALLET_TYPE =
  "AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)";

/** Typed data the new wallet signs for `setAgentWallet`; domain defaults to ERC8004IdentityRegistry / 1. */
export function agentWalletTypedData(p: {
  chainId: number;
  registry: Address;
  agentId: bigint;
  newWallet: Address;
  owner: Address;
  deadline: bigint;
  domainName?: string;
  domainVersion?: string;
}): AgentWalletTypedData {
  return {
    domain: {
      name: p.domainName ?? "ERC8004IdentityRegistry",
      version: p.domainVersion ?? "1",
      chainId: p.chainId,
      verifyingContract: p.registry,
    },
    types: {
      AgentWalletSet: [
        { name: "agentId", type: "uint256" },
        { name: "newWallet", type: "address" },
        { name: "owner", type: "address" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "AgentWalletSet",
    message: { agentId: p.agentId, newWallet: p.newWallet, owner: p.owner, deadline: p.deadline },
  };
}
