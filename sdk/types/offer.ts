/** One `accepts[]` entry in the v2 shape with plain strings: what the paywall offers and the client reads. */
export interface OfferedRequirements {
  scheme: string;
  network: string;
  asset: string;
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: Record<string, unknown>;
}
