import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { chatKitApiError } from "../../provider/apiError";
import { AttemptTimedOutError, NotSentError, type Operation } from "../../provider/errors";
import { SessionProvider } from "../../provider/lifecycle";
import { AttemptsFailed } from "../../provider/retry";
import { classifySendFailure } from "../../provider/sendFailure";
import { readStackSettings, resolveSettings } from "../../provider/settings";
import { rejection } from "../helpers/rejection";
import { errorJson, type ScriptedServer, startScripted } from "../helpers/scripted";

/**
 * Any setting may be set with --secret, and the provider cannot tell which were: no message may
 * show a run of ten characters of any setting's value. Each value here is a random token, which
 * a proxy's path, an organization or a project set as a secret may be.
 */
const token = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
  minLength: 16,
  maxLength: 40,
});
const values = fc.record({ key: token, path: token, organization: token, project: token });
type Values = { key: string; path: string; organization: string; project: string };

function assertHidden(text: string, given: Values): void {
  for (const [setting, value] of Object.entries(given)) {
    for (let at = 0; at + 10 <= value.length; at++) {
      const run = value.slice(at, at + 10);
      assert.ok(!text.includes(run), `the message shows ${run} of ${setting}: ${text}`);
    }
  }
}

const apiError = (status: number, message: string, headers: Record<string, string> = {}) =>
  APIError.generate(
    status,
    { error: { message, type: "invalid_request_error", param: null, code: null } },
    undefined,
    new Headers({ "x-request-id": "req_1", ...headers }),
  );
const withCode = (code: string, message = "connect failed") => Object.assign(new Error(message), { code });
const connection = (cause: Error) => new APIConnectionError({ cause });

describe("settings set as secrets never appear in messages", () => {
  it("in every hint and every account of a failure, for a create and a cancel", () => {
    fc.assert(
      fc.property(values, (given) => {
        const baseUrl = `https://proxy.test/${given.path}/v1`;
        const settings = resolveSettings(
          { apiKey: given.key, baseUrl, organization: given.organization, project: given.project },
          {},
        );
        const failures: unknown[] = [
          apiError(307, "redirected", { location: `${baseUrl}/chatkit/sessions?token=${given.key}` }),
          apiError(401, "Incorrect API key provided."),
          apiError(403, "not allowed"),
          apiError(404, "Workflow with id 'wf_1' not found."),
          apiError(404, "Invalid URL (POST /chatkit/sessions/cksess_1/cancel)"),
          apiError(410, "gone"),
          apiError(429, "rate limited"),
          apiError(500, "boom"),
          new APIConnectionTimeoutError(),
          new AttemptTimedOutError(2000, true, 200),
          new NotSentError("the connection was refused (ECONNREFUSED)", true),
          connection(withCode("ECONNRESET", "socket hang up")),
          classifySendFailure(connection(withCode("ERR_SSL_WRONG_VERSION_NUMBER")), baseUrl),
          classifySendFailure(
            connection(Object.assign(new TypeError("fetch failed"), { cause: new Error("bad port") })),
            baseUrl,
          ),
          classifySendFailure(
            connection(Object.assign(new TypeError("fetch failed"), { cause: new Error("unknown scheme") })),
            baseUrl,
          ),
          classifySendFailure(
            new TypeError(`Headers.append: "${given.project}\n" is an invalid header value.`),
            baseUrl,
          ),
        ];
        for (const operation of ["create", "cancel"] as Operation[]) {
          for (const failure of failures) {
            for (const now of [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)]) {
              const error = chatKitApiError(operation, new AttemptsFailed(failure, 2, "failed"), settings, now);
              assertHidden(error.message, given);
              assertHidden(error.hint ?? "", given);
            }
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it("in every refusal of a setting, from the stack config or the environment", () => {
    fc.assert(
      fc.property(values, (given) => {
        const refusals: Array<[Record<string, string>, NodeJS.ProcessEnv]> = [];
        const badUrls = [
          `proxy.test/${given.path}/v1`,
          `ftp://proxy.test/${given.path}/v1`,
          `https://proxy.test/${given.path}/v1?${given.key}`,
          `https://proxy.test/${given.path}/v1#x`,
          `https://user:${given.path}@proxy.test/v1`,
        ];
        for (const url of badUrls) {
          refusals.push([{ "chatkit:baseUrl": url }, {}]);
          refusals.push([{}, { OPENAI_BASE_URL: url }]);
        }
        for (const setting of ["timeoutSeconds", "maxRetries", "retryBudgetSeconds"]) {
          refusals.push([{ [`chatkit:${setting}`]: given.path }, {}]);
        }
        refusals.push([{ "chatkit:organization": `${given.organization} x` }, {}]);
        refusals.push([{ "chatkit:project": `${given.project}\u200b` }, {}]);
        refusals.push([{ "chatkit:apiKey": `${given.key}\n` }, {}]);
        refusals.push([{ "chatkit:apikey": given.key }, {}]);
        refusals.push([{}, { OPENAI_ORG_ID: `${given.organization}\n` }]);
        refusals.push([{}, { OPENAI_PROJECT_ID: `${given.project} x` }]);
        for (const [config, env] of refusals) {
          // The other settings are given too, from where the refused one comes.
          const fromEnvironment = Object.keys(env).length > 0;
          const stack: Record<string, string> = fromEnvironment
            ? {}
            : {
                "chatkit:apiKey": given.key,
                "chatkit:organization": given.organization,
                "chatkit:project": given.project,
                ...config,
              };
          const variables = fromEnvironment
            ? { OPENAI_ORG_ID: given.organization, OPENAI_PROJECT_ID: given.project, ...env }
            : {};
          const reader = { get: (name: string) => stack[name], rawConfig: stack };
          const message = (() => {
            try {
              resolveSettings(readStackSettings(reader), { OPENAI_API_KEY: given.key, ...variables });
            } catch (error) {
              return (error as Error).message;
            }
            return assert.fail(`${JSON.stringify(config)} ${JSON.stringify(env)} was accepted`);
          })();
          assertHidden(message, given);
        }
      }),
      { numRuns: 50 },
    );
  });

  describe("in the refusal of a delete whose 404 comes from elsewhere", () => {
    let server: ScriptedServer;
    before(async () => {
      server = await startScripted(() => ({
        status: 404,
        body: errorJson("Chatkit Session with id 'cksess_kept' not found."),
      }));
    });
    after(async () => {
      await server.close();
    });

    it("naming what differs without the values, at create and now", async () => {
      const origin = new URL(server.url).origin;
      await fc.assert(
        fc.asyncProperty(values, values, async (now, atCreate) => {
          fc.pre(
            now.path !== atCreate.path &&
              now.organization !== atCreate.organization &&
              now.project !== atCreate.project,
          );
          const config: Record<string, string> = {
            "chatkit:apiKey": now.key,
            "chatkit:baseUrl": `${origin}/${now.path}/v1`,
            "chatkit:organization": now.organization,
            "chatkit:project": now.project,
          };
          const provider = new SessionProvider({ env: {}, warn: () => {} });
          await provider.configure({ config: { get: (name: string) => config[name] } });
          const state = {
            status: "active",
            expiresAt: Math.floor(Date.now() / 1000) + 300,
            apiEndpoint: {
              baseUrl: `${origin}/${atCreate.path}/v1`,
              organization: atCreate.organization,
              project: atCreate.project,
              keyFingerprint: "0123456789ab",
            },
          };
          const error = await rejection(provider.delete("cksess_kept", state));
          assert.match(error.message, /was not cancelled/);
          // Each setting differs (the generator may draw one value twice), and each is named.
          assert.match(error.message, /the base URL: .* at create, .* now; the organization: .*; the project: /);
          assertHidden(error.message, now);
          assertHidden(error.message, atCreate);
        }),
        { numRuns: 15 },
      );
    });
  });
});
