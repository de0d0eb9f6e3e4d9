import type { SIWxExtension } from "@x402/extensions/sign-in-with-x";
import type { ClientContext } from "./context";
import { decodeJson } from "./wire";

/** Signs an EIP-191 message (an ethers `Signer` or `Wallet` fits). */
export interface MessageSigner {
  signMessage(message: string): Promise<string>;
}

/**
 * `wrapFetch`'s sign-in-with-x: remembers the routes (method + URL without query) it paid whose 402 declared
 * sign-in; on such a route's next 402 it signs the challenge with the payer's key (the stock helpers build the
 * CAIP-122 message and the header) and sends that before paying. A refused sign-in falls back to paying.
 */
export class SignInBook {
  private readonly paid = new Set<string>();

  constructor(private readonly ctx: ClientContext) {}

  /** Whether a paid route is remembered (its requests then go out unpaid first, to get a challenge). */
  has(key: string): boolean {
    return this.paid.has(key);
  }

  /** The 402's sign-in-with-x declaration, if it has one. */
  declared(res: Response): SIWxExtension | undefined {
    const header = res.headers.get("payment-required");
    const required = header ? (decodeJson(header) as { extensions?: Record<string, unknown> }) : undefined;
    const ext = required?.extensions?.["sign-in-with-x"] as SIWxExtension | undefined;
    return ext && typeof ext.info === "object" && Array.isArray(ext.supportedChains) ? ext : undefined;
  }

  /** After a paid answer on a route whose 402 declared sign-in. */
  paidFor(key: string, res: Response): void {
    if (res.ok && (res.headers.has("payment-response") || res.headers.has("x-payment-response"))) {
      this.paid.add(key);
    }
  }

  /**
   * Signs in: the answer to the request re-sent with `SIGN-IN-WITH-X`, or undefined when it cannot sign this
   * challenge (another chain, another origin, no message signer). A refusal for lack of paid access forgets the
   * route.
   */
  async attempt(
    key: string,
    url: string,
    init: RequestInit | undefined,
    challenge: Response,
    ext: SIWxExtension,
  ): Promise<Response | undefined> {
    const { options } = this.ctx;
    const signer = messageSignerOf(options.signIn, options.payer);
    const chainId = `eip155:${options.chainId}`;
    const chain = ext.supportedChains.find((c) => c.chainId === chainId && c.type === "eip191");
    if (!signer || !chain) return undefined;
    const m = await import("@x402/extensions/sign-in-with-x");
    let header: string;
    try {
      const address = (await this.ctx.addresses()).payer;
      const evm = { address, signMessage: ({ message }: { message: string }) => signer.signMessage(message) };
      const info = { ...ext.info, chainId: chain.chainId, type: chain.type };
      header = m.encodeSIWxHeader(await m.createSIWxPayload(info, evm, challenge.url || url));
    } catch {
      return undefined;
    }
    await challenge.body?.cancel();
    const headers = new Headers(init?.headers);
    headers.set(m.SIGN_IN_WITH_X, header);
    const res = await this.ctx.fetchImpl(url, { ...init, headers });
    if (res.status === 402) {
      const required = decodeJson(res.headers.get("payment-required") ?? "") as
        { error?: string } | undefined;
      if (required?.error === "z402_siwx_no_access") this.paid.delete(key);
    }
    return res;
  }
}

function messageSignerOf(
  option: boolean | MessageSigner | undefined,
  payer: unknown,
): MessageSigner | undefined {
  if (option && typeof option === "object") return option;
  const p = payer as Partial<MessageSigner>;
  return option === true && typeof p?.signMessage === "function" ? (p as MessageSigner) : undefined;
}
