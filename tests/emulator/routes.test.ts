import * as assert from "node:assert/strict";
import { decodedParam, type Exchange, Router } from "../../emulator/routes";

describe("the emulator's router", () => {
  const seen: string[] = [];
  const router = new Router()
    .add(
      [
        {
          method: "POST",
          path: "/a/{id}/cancel",
          handle: (name: string, x: Exchange) => void seen.push(`${name} ${x.params}`),
        },
      ],
      "api",
    )
    .add([{ method: "GET", path: "/", handle: (name: string) => void seen.push(name) }], "page");
  const exchange = (params: string[]) => ({ params }) as unknown as Exchange;

  it("maps each method and path to its handler, with the path's parameters still %-encoded", () => {
    const matched = router.match("POST", "/a/x%2Fy/cancel");
    assert.deepEqual(matched?.params, ["x%2Fy"]);
    matched?.handle(exchange(matched.params));
    router.match("GET", "/")?.handle(exchange([]));
    assert.deepEqual(seen, ["api x%2Fy", "page"]);
  });

  it("matches nothing for another method, a longer path or a parameter spanning segments", () => {
    assert.equal(router.match("GET", "/a/x/cancel"), undefined);
    assert.equal(router.match("POST", "/a/x/y/cancel"), undefined);
    assert.equal(router.match("POST", "/a/x/cancel/more"), undefined);
    assert.equal(router.match("GET", "/x"), undefined);
  });

  it("decodes a parameter, or gives undefined when its %-escapes are malformed", () => {
    assert.equal(decodedParam("cksess_%41"), "cksess_A");
    assert.equal(decodedParam("%E0%A4%A"), undefined);
  });
});
