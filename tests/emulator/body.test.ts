import * as assert from "node:assert/strict";
import * as net from "node:net";
import { TEST_API_KEY, useEmulator } from "../helpers/emulator";

/**
 * What happens to the connection after a body above the limit has been answered 413: the
 * emulator reads on only so far (8 MiB more) and so long (2 s), so that a client still sending
 * can read the answer, then closes it, so that no client keeps it busy. A raw socket plays the
 * client, since Node's own stops sending once it has an answer.
 */
describe("the emulator's connection after a body above its limit", () => {
  const ctx = useEmulator({ maxBodyBytes: 1000 });

  /** Declares a body of `declared` bytes and sends it (all when `flood`, else 10 bytes); resolves once the emulator closes. */
  const send = (declared: number, flood: boolean) =>
    new Promise<{ answer: string; sent: number }>((resolve) => {
      const socket = net.connect(ctx.emulator.port, "127.0.0.1");
      let answer = "";
      let sent = 0;
      let closed = false;
      socket.on("data", (part) => {
        answer += part;
      });
      socket.on("error", () => {});
      socket.on("close", () => {
        closed = true;
        resolve({ answer, sent });
      });
      socket.write(
        `POST /v1/chatkit/sessions HTTP/1.1\r\nHost: 127.0.0.1:${ctx.emulator.port}\r\n` +
          `Authorization: Bearer ${TEST_API_KEY}\r\nOpenAI-Beta: chatkit_beta=v1\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      const pump = () => {
        while (!closed && sent < declared) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
      };
      if (flood) pump();
      else socket.write("x".repeat(10));
    });

  it("closes a connection that keeps sending once it has read about 8 MiB more", async function () {
    this.timeout(30_000);
    const { answer, sent } = await send(600 * 1024 * 1024, true);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /"code":"request_too_large"/);
    assert.ok(sent < 64 * 1024 * 1024, `the client could send ${sent} bytes before the close`);
  });

  it("closes a connection whose body stops coming, after a short while", async function () {
    this.timeout(30_000);
    const { answer } = await send(5000, false);
    assert.match(answer, /^HTTP\/1\.1 413 /);
  });

  it("keeps the connection of a client that sent its whole body, for its next request", async function () {
    this.timeout(30_000);
    const socket = net.connect(ctx.emulator.port, "127.0.0.1");
    let text = "";
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.on("error", () => {});
    const received = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) return resolve();
          socket.once("data", (part) => {
            text += part;
            check();
          });
        };
        closed.then(() => reject(new Error(`closed after: ${text.slice(0, 200)}`)));
        check();
      });
    const head = `Host: 127.0.0.1:${ctx.emulator.port}\r\nAuthorization: Bearer ${TEST_API_KEY}\r\nOpenAI-Beta: chatkit_beta=v1\r\n`;
    socket.write(`POST /v1/chatkit/sessions HTTP/1.1\r\n${head}Content-Length: 1500\r\n\r\n${"x".repeat(1500)}`);
    await received(/^HTTP\/1\.1 413 [\s\S]*\r\n0\r\n\r\n$/);
    // Longer than the 2 s a client still sending gets, shorter than the 5 s an idle connection is kept.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    socket.write(`GET /v1/chatkit/threads HTTP/1.1\r\n${head}\r\n`);
    await received(/HTTP\/1\.1 200 /);
    socket.destroy();
  });
});

describe("the emulator when a client hangs up in the middle of its body", () => {
  const ctx = useEmulator({});

  it("stays up and answers the next request", async () => {
    const socket = net.connect(ctx.emulator.port, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      `POST /v1/chatkit/sessions HTTP/1.1\r\nHost: 127.0.0.1:${ctx.emulator.port}\r\nContent-Length: 500\r\n\r\n{"us`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await fetch(`${ctx.emulator.url}/chatkit/threads`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    assert.equal(answer.status, 200);
  });
});
