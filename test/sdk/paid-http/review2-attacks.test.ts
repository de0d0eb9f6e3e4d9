/**
 * Review attacks on sign-in-with-x: ways to be served by sign-in without a real payment by that wallet for that
 * resource on this server.
 */
import { expect } from "chai";
import http from "node:http";
import { SIGN_IN_WITH_X } from "@x402/extensions/sign-in-with-x";
import { evm, signInHeader as header } from "./support/siwx";
import type { RouteConfig } from "../../../sdk/server";
import { deploy, payingFetch, PRICE, startServer, type Deployment, type TestServer } from "./support/fixture";

/** GET through node:http so the Host field can be chosen. */
function get(
  base: string,
  p: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: p, method: "GET", headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("paid HTTP: review attacks on sign-in-with-x", function () {
  this.timeout(60_000);
  let d: Deployment;
  const open: TestServer[] = [];
  const routes: RouteConfig[] = [{ path: "/paid/*", price: PRICE, signIn: { accessSeconds: 3600 } }];

  before(async () => {
    d = await deploy();
  });
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });

  it("does not accept a message signed for another site (evil.example) sent with Host: evil.example", async () => {
    let ran = 0;
    const server = await startServer(d, {
      routes,
      handler: (p) => (ran++, { status: 200, body: "secret " + p }),
    });
    open.push(server);
    // The victim paid this route once.
    expect((await payingFetch(d)(server.url + "/paid/a")).status).to.equal(200);
    // Later it signs in on evil.example (a site of the attacker's, which asks for the same path): the message names
    // evil.example as its domain, as sign-in-with-x binds it. The attacker relays it with that Host field.
    const phished = await header("http://evil.example", "/paid/a", await evm(d.payer), `eip155:${d.chainId}`);
    const before = ran;
    const res = await get(server.url, "/paid/a", { host: "evil.example", [SIGN_IN_WITH_X]: phished });
    expect(res.status, "a message for another domain is refused").to.equal(402);
    expect(ran).to.equal(before);
  });
});
