import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import { Changes } from "../../emulator/changes";
import { EventStreams } from "../../emulator/eventStream";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server that streams a large snapshot, counting every time it is built. */
async function serve(maxStreams?: number) {
  const changes = new Changes(1);
  const built = { count: 0 };
  const streams = new EventStreams(() => ({ n: ++built.count, filler: "x".repeat(MiB) }), changes, maxStreams);
  const server = http.createServer((_req, res) => {
    if (!streams.open(res)) res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => {
    streams.close();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { changes, streams, built, port, close };
}

/** A raw connection that asks for the stream, collecting what arrives while it reads. */
function client(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  socket.write("GET /_emulator/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const seen = { text: "" };
  socket.setEncoding("utf8");
  socket.on("data", (part: string) => {
    seen.text += part;
  });
  const numbers = () => [...seen.text.matchAll(/data: \{"n":(\d+)/g)].map((m) => Number(m[1]));
  return { socket, numbers, text: () => seen.text };
}

async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 500 && !done(); i++) await sleep(20);
  assert.ok(done(), what);
}

describe("the live page's event streams", () => {
  it("hold at most one snapshot for a page that never reads, however many changes come, and send it the newest once it reads", async function () {
    this.timeout(60_000);
    const { changes, streams, built, port, close } = await serve();
    try {
      const stalled = client(port);
      stalled.socket.pause();
      const reader = client(port);
      await until(() => streams.count === 2, "the streams opened");
      // Sixty changes of a 1 MiB snapshot: far more than the connection's kernel buffers take.
      for (let i = 0; i < 60; i++) {
        changes.notify();
        await sleep(5);
        // One snapshot each at most, the stalled page's and the reading one's.
        assert.ok(
          streams.bufferedBytes() <= 2 * (MiB + 64 * 1024),
          `${streams.bufferedBytes()} bytes buffered after ${i + 1} changes`,
        );
      }
      assert.ok(built.count >= 30, `changes made snapshots (${built.count})`);
      await until(() => reader.numbers().length >= 30, "the reading page got them");
      stalled.socket.resume();
      const newest = built.count;
      await until(() => Math.max(...stalled.numbers()) >= newest, `the newest snapshot (${newest}) arrived`);
      assert.ok(stalled.numbers().length < 30, `skipped what it missed: ${stalled.numbers().length} received`);
      stalled.socket.destroy();
      reader.socket.destroy();
    } finally {
      await close();
    }
  });

  it("build one snapshot per change for all pages", async function () {
    this.timeout(30_000);
    const { changes, built, streams, port, close } = await serve();
    try {
      const pages = Array.from({ length: 20 }, () => client(port));
      await until(() => streams.count === 20 && pages.every((page) => page.numbers().length === 1), "all opened");
      const before = built.count;
      changes.notify();
      await until(() => pages.every((page) => page.numbers().length === 2), "every page got the change");
      assert.equal(built.count, before + 1);
      assert.ok(
        pages.every((page) => page.numbers()[1] === before + 1),
        "the same snapshot",
      );
      for (const page of pages) page.socket.destroy();
      await until(() => streams.count === 0, "closed streams are forgotten");
    } finally {
      await close();
    }
  });

  it("refuse a stream past their limit and take one again once another closes", async () => {
    const { streams, port, close } = await serve(2);
    try {
      const first = client(port);
      client(port);
      await until(() => streams.count === 2, "two opened");
      const third = client(port);
      await until(() => third.text().startsWith("HTTP/1.1 503"), "the third refused");
      assert.equal(streams.count, 2);
      first.socket.destroy();
      await until(() => streams.count === 1, "one closed");
      client(port);
      await until(() => streams.count === 2, "a new one opened");
    } finally {
      await close();
    }
  });
});
