/**
 * The shape of `deployments/<chainId>.json` is owned by the SDK's deployments module (`sdk/networks/deployments.ts`),
 * which the deploy script, `z402 deploy`, `z402 node` and the SDK's loader all use; re-exported here for the scripts.
 */
export type {
  CompilerSettings,
  DeploymentCall,
  DeploymentRecord,
  RecordedContract as DeployedContract,
} from "../../sdk/networks/deployments";
