import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { validateCreateBody } from "../../emulator/validate";
import { useEmulator } from "../helpers/emulator";
import { call } from "./call";

/** Names every object inherits: none of them is a parameter of the API. */
const INHERITED = Object.getOwnPropertyNames(Object.prototype);

describe("the emulator's validation of a create body", () => {
  it("refuses an inherited name as an unknown parameter, at any level", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INHERITED),
        fc.constantFrom("", "workflow", "expires_after", "chatkit_configuration.history"),
        (name, where) => {
          const body: any = { user: "u", workflow: { id: "wf_1" } };
          const path = where ? where.split(".") : [];
          let target = body;
          for (const part of path)
            target = target[part] ??= part === "expires_after" ? { anchor: "created_at", seconds: 60 } : {};
          // An own property, as JSON.parse makes even of "__proto__" when it arrives over HTTP.
          Object.defineProperty(target, name, { value: 1, enumerable: true, writable: true, configurable: true });
          const error = validateCreateBody(body);
          const param = where ? `${where}.${name}` : name;
          assert.deepEqual(error && { param: error.param, code: error.code }, { param, code: "unknown_parameter" });
        },
      ),
    );
  });

  it("does not take an inherited name for a required parameter that is there", () => {
    const body = JSON.parse('{"workflow": {"id": "wf_1"}, "__proto__": {"user": "u"}}');
    assert.equal(validateCreateBody(body)?.code, "unknown_parameter");
  });

  describe("over HTTP", () => {
    const ctx = useEmulator({ workflows: { wf_known: {} } });

    for (const [name, text] of [
      ["constructor", '{"user": "u", "workflow": {"id": "wf_known"}, "constructor": 1}'],
      ["toString", '{"user": "u", "workflow": {"id": "wf_known"}, "toString": 1}'],
      ["__proto__", '{"user": "u", "workflow": {"id": "wf_known"}, "__proto__": {}}'],
      ["workflow.valueOf", '{"user": "u", "workflow": {"id": "wf_known", "valueOf": 1}}'],
    ]) {
      it(`answers 400 unknown_parameter for ${name}`, async () => {
        const answer = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", text);
        assert.equal(answer.status, 400);
        assert.equal(answer.json.error.code, "unknown_parameter");
        assert.equal(answer.json.error.param, name);
      });
    }

    it("does not find a workflow named after an inherited property", async () => {
      const answer = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", {
        user: "u",
        workflow: { id: "constructor" },
      });
      assert.equal(answer.status, 404);
    });

    it("answers a malformed %-escape in a session id with 404, not 500", async () => {
      for (const id of ["%", "%E0%A4%A", "cksess_%zz"]) {
        const answer = await call(`${ctx.emulator.url}/chatkit/sessions/${id}/cancel`, "POST");
        assert.equal(answer.status, 404, id);
        assert.equal(answer.json.error.message, `Chatkit Session with id '${id}' not found.`);
      }
    });
  });
});
