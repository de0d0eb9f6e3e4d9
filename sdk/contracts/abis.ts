/** Plain ABIs (for viem or any ABI consumer), taken from the TypeChain factories. */
import { IZ402Escrow__factory } from "../../typechain-types/factories/contracts/interfaces/IZ402Escrow__factory";
import { IDepositCollector__factory } from "../../typechain-types/factories/contracts/interfaces/IDepositCollector__factory";
import { IERC3009__factory } from "../../typechain-types/factories/contracts/interfaces/IERC3009__factory";

/** The escrow's full interface: the x402 `batch-settlement` ABI plus z402's packed claims. */
export const escrowAbi = IZ402Escrow__factory.abi;
/** The deposit collector interface. */
export const depositCollectorAbi = IDepositCollector__factory.abi;
/** EIP-3009 token interface (transfer/receive with authorization). */
export const erc3009Abi = IERC3009__factory.abi;
