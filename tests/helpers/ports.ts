import * as net from "node:net";

/**
 * A port that is free now, drawn below Linux's ephemeral range (32768 on). The system hands out
 * ports in that range to any process that connects or listens on port 0, so a port taken from it
 * can be taken again before a test listens on it (again); below it, only an explicit listen can.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = net.createServer();
    const listening = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (listening) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}
