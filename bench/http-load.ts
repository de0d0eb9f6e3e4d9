/**
 * A deliberately cheap HTTP/1.1 load generator for the paid-HTTP benchmark: one keep-alive socket per lane, each
 * request a pre-encoded buffer written as is, each response parsed only as far as its status and its length.
 * Paid and unpaid runs go through exactly this code, so the client costs the same on both routes and stays far
 * below the server's cost (node:http's client costs about as much per request as the server it measures).
 */
import net from "node:net";

export interface Reply {
  status: number;
  ms: number;
}

const HEADER_END = Buffer.from("\r\n\r\n");
const CHUNKED_END = Buffer.from("\r\n0\r\n\r\n");

/** The wire bytes of a GET with the given extra headers. */
export function encodeGet(host: string, path: string, headers: Record<string, string> = {}): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, `host: ${host}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
}

/** Where the response in `buf` ends, or -1 while it is incomplete. */
function responseEnd(buf: Buffer): number {
  const head = buf.indexOf(HEADER_END);
  if (head < 0) return -1;
  const headers = buf.toString("latin1", 0, head).toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(headers);
  if (length) {
    const end = head + 4 + Number(length[1]);
    return buf.length >= end ? end : -1;
  }
  if (headers.includes("transfer-encoding: chunked")) {
    const end = buf.indexOf(CHUNKED_END, head);
    return end < 0 ? -1 : end + CHUNKED_END.length;
  }
  return head + 4; // no body
}

/** One keep-alive connection; `send` writes a request and resolves with its response's status. */
export class Lane {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: Reply) => void) | undefined;
  private started = 0n;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number): Promise<Lane> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new Lane(socket)));
      socket.once("error", reject);
    });
  }

  send(request: Buffer): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.started = process.hrtime.bigint();
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const end = responseEnd(this.buf);
    if (end < 0) return;
    const status = Number(this.buf.toString("latin1", 9, 12));
    this.buf = this.buf.subarray(end);
    const done = this.waiting;
    this.waiting = undefined;
    done?.({ status, ms: Number(process.hrtime.bigint() - this.started) / 1e6 });
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Sends every lane's requests in order, the lanes concurrently; throws on any status but 200.
 * Resolves with requests per second over the whole run.
 */
export async function runLanes(lanes: Lane[], requests: Buffer[][]): Promise<number> {
  const t0 = process.hrtime.bigint();
  let count = 0;
  await Promise.all(
    lanes.map(async (lane, i) => {
      for (const r of requests[i]) {
        const reply = await lane.send(r);
        if (reply.status !== 200) throw new Error(`bench: status ${reply.status}`);
        count++;
      }
    }),
  );
  return count / (Number(process.hrtime.bigint() - t0) / 1e9);
}
