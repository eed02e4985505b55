import * as assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { hostname } from "node:os";
import * as fc from "fast-check";
import { fromOwnAddress, hostsFor } from "../../emulator/address";

const PORT = 8787;
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

/** A host name that is none of this machine's (names of the machine itself are drawn out). */
const foreignName = fc.domain().filter((name) => !["localhost", hostname().toLowerCase()].includes(name.toLowerCase()));

describe("the emulator's Host rule", () => {
  for (const listen of ["0.0.0.0", "::", "", "127.0.0.1", "::1"]) {
    it(`refuses every other domain on '${listen}', whatever its case or port`, () => {
      const hosts = hostsFor(listen, PORT);
      fc.assert(
        fc.property(foreignName, fc.constantFrom(PORT, PORT + 1, 80), (name, port) => {
          assert.equal(fromOwnAddress(request({ host: `${name}:${port}` }), hosts), false);
          assert.equal(fromOwnAddress(request({ host: name.toUpperCase() }), hosts), false);
        }),
      );
    });

    it(`answers loopback names and the machine's own name on '${listen}', and only on its port`, () => {
      const hosts = hostsFor(listen, PORT);
      for (const name of ["localhost", "127.0.0.1", "[::1]", hostname()]) {
        assert.equal(fromOwnAddress(request({ host: `${name}:${PORT}` }), hosts), true, name);
        assert.equal(fromOwnAddress(request({ host: `${name}:${PORT + 1}` }), hosts), false, name);
      }
    });
  }

  it("adds the names given to allow, in any case, and no others", () => {
    fc.assert(
      fc.property(foreignName, foreignName, (allowed, other) => {
        fc.pre(allowed.toLowerCase() !== other.toLowerCase());
        const hosts = hostsFor("0.0.0.0", PORT, [allowed]);
        assert.equal(fromOwnAddress(request({ host: `${allowed.toUpperCase()}:${PORT}` }), hosts), true);
        assert.equal(fromOwnAddress(request({ host: `${other}:${PORT}` }), hosts), false);
      }),
    );
  });

  it("refuses a request from another origin's page even with its own Host", () => {
    const hosts = hostsFor("0.0.0.0", PORT);
    fc.assert(
      fc.property(foreignName, (name) => {
        const headers = { host: `localhost:${PORT}`, origin: `http://${name}:${PORT}` };
        assert.equal(fromOwnAddress(request(headers), hosts), false);
      }),
    );
    assert.equal(
      fromOwnAddress(request({ host: `localhost:${PORT}`, origin: `http://localhost:${PORT}` }), hosts),
      true,
    );
  });

  it("refuses a request without a Host", () => {
    assert.equal(fromOwnAddress(request({}), hostsFor("0.0.0.0", PORT)), false);
  });
});
