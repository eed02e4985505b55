/**
 * The pipeline's smoke step: uses the session's client secret the way a ChatKit front end does
 * (as a bearer token) to list the session user's threads.
 *   smoke             while the session is live: the client secret works
 *   smoke --revoked   after `pulumi destroy`: the same client secret is refused
 *
 * What it rests on: that the API accepts a live session's client secret as bearer token on
 * GET /v1/chatkit/threads. That is an assumption, not documented behaviour (the API's description
 * lists the call under API-key authentication; the local emulator accepts client secrets there
 * as an assumption of its own). So `--revoked` passes only when the same call with the same
 * secret succeeded earlier in the same run: the live step leaves a proof, a small file named by a
 * hash of the secret (never the secret), and without it a 401 proves nothing.
 *
 * The secret comes from CHATKIT_CLIENT_SECRET, else from
 * `pulumi stack output --show-secrets clientSecret` (the CLI named by PULUMI_BIN, else `pulumi`).
 * The proof lives in CHATKIT_SMOKE_PROOF_DIR, else in a folder of the system's temporary directory.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import OpenAI from "openai";

const DOCUMENTED_CHECK = 'the pipeline README\'s "A check that uses only documented behaviour"';

const INSTALL_CLI =
  "Install the CLI (https://www.pulumi.com/docs/iac/download-install/: curl -fsSL https://get.pulumi.com | sh, " +
  "brew install pulumi/tap/pulumi, winget install pulumi, or the pulumi/actions step in GitHub Actions), " +
  "set PULUMI_BIN to a pulumi program, or set CHATKIT_CLIENT_SECRET.";

function readClientSecret(): string {
  if (process.env.CHATKIT_CLIENT_SECRET) return process.env.CHATKIT_CLIENT_SECRET;
  const pulumi = process.env.PULUMI_BIN ?? "pulumi";
  let secret: string;
  try {
    secret = execFileSync(pulumi, ["stack", "output", "clientSecret", "--show-secrets"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    const said = (failure.stderr ?? "").trim();
    if (failure.code === "ENOENT") {
      throw new Error(
        `CHATKIT_CLIENT_SECRET is not set, and the Pulumi CLI that would read the secret from the stack is not installed (${pulumi}: not found). ${INSTALL_CLI}`,
      );
    }
    if (/Downloading pulumi|fetch failed/.test(said)) {
      throw new Error(
        `CHATKIT_CLIENT_SECRET is not set, and the Pulumi CLI that would read the secret from the stack is not installed: ${pulumi} here is the npm package \`pulumi\`, only a launcher that downloads the CLI on first use, and that download failed (${said.split("\n").at(-1)}). ${INSTALL_CLI}`,
      );
    }
    throw new Error(`\`${pulumi} stack output clientSecret\` failed: ${said.split("\n").at(-1) || failure.message}`);
  }
  if (!secret) throw new Error("the stack has no clientSecret output (after destroy it has none)");
  return secret;
}

/** Where the live step records that this secret worked: named by a hash, holding no secret. */
function proofFile(secret: string): string {
  const dir = process.env.CHATKIT_SMOKE_PROOF_DIR ?? path.join(os.tmpdir(), "chatkit-smoke");
  const digest = createHash("sha256").update(secret).digest("hex");
  return path.join(dir, `${digest}.json`);
}

async function main(): Promise<void> {
  const revoked = process.argv.includes("--revoked");
  const secret = readClientSecret();
  const baseURL = process.env.OPENAI_BASE_URL || "https://api.openai.com/v1";
  const proof = proofFile(secret);
  if (revoked && !provenLive(proof, baseURL)) {
    throw new Error(
      "no call with this client secret succeeded earlier in this run, so a 401 now would prove nothing: " +
        "the API may refuse client secrets on this call whether or not the session was cancelled. " +
        "Run the smoke step without --revoked while the session is live, then destroy, then this.",
    );
  }
  // The SDK merges OPENAI_CUSTOM_HEADERS from the environment over its own headers, so that
  // variable could send another key than the client secret, and the step would prove nothing about
  // the secret: the header set here wins over it.
  const client = new OpenAI({
    apiKey: secret,
    baseURL,
    maxRetries: 2,
    timeout: 20_000,
    defaultHeaders: { Authorization: `Bearer ${secret}` },
  });
  try {
    const { data: threads, response } = await client.beta.chatkit.threads.list({ limit: 1 }).withResponse();
    if (revoked) throw new Error("the client secret still works after destroy");
    fs.mkdirSync(path.dirname(proof), { recursive: true });
    fs.writeFileSync(proof, JSON.stringify({ baseURL, succeededAt: new Date().toISOString() }));
    console.log(`smoke: the client secret works (${threads.data.length} thread(s) visible)`);
    // The local emulator marks answers that rest on its own assumptions.
    if ((response.headers.get("x-emulator-assumption") ?? "").includes("threads-client-secret")) {
      console.log(
        "smoke: note: this was the local emulator, which accepts a client secret on this call as its own assumption; it does not show that the API does.",
      );
    }
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    if (error.status !== 401 && error.status !== 403) {
      // The API's own message may repeat the secret it was given, or a masked fragment of it:
      // say what failed by status, type, code and request id only.
      throw new Error(
        `GET /v1/chatkit/threads failed: HTTP ${error.status ?? "(no status)"}${error.type ? ` ${error.type}` : ""}${error.code ? ` ${error.code}` : ""} (request id ${error.requestID ?? "none"}); the API's message is not shown, since it may quote the client secret.`,
      );
    }
    const onEmulator = (error.headers?.get("x-emulator-assumption") ?? "").includes("threads-client-secret");
    if (onEmulator && error.code === "client_secret_unknown") {
      throw new Error(
        "the local emulator does not know this client secret (HTTP 401 client_secret_unknown): it keeps sessions in memory only, so it was restarted since `pulumi up`, or the session ended a while ago. " +
          (revoked
            ? "That proves nothing about destroy: run the pipeline again against one emulator that stays up."
            : "Run `pulumi up` again against this emulator (with `--replace` on the session if the state still holds it live), then this step."),
      );
    }
    if (onEmulator && !revoked && error.code === "invalid_client_secret") {
      throw new Error(
        "the session behind this client secret has ended (HTTP 401 invalid_client_secret from the local emulator: cancelled or expired). Run `pulumi up` to renew it, then this step.",
      );
    }
    if (revoked) {
      fs.rmSync(proof, { force: true });
      console.log("smoke: the client secret was revoked by destroy (the same call worked before it)");
      return;
    }
    // The API's own message may quote a fragment of the secret: print only its status and code.
    throw new Error(
      `the API refused the client secret on GET /v1/chatkit/threads (HTTP ${error.status}${error.code ? ` ${error.code}` : ""}). ` +
        "This step assumes that a live session's client secret is accepted as a bearer token on that call; " +
        "that is not documented (the API lists the call under API-key authentication; the local emulator " +
        "accepts it as an assumption of its own). Right after `pulumi up` the session is live, so the " +
        "assumption does not hold for this API, and `smoke --revoked` cannot prove anything either. " +
        `Use ${DOCUMENTED_CHECK} instead.`,
    );
  }
}

function provenLive(proof: string, baseURL: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(proof, "utf8")) as { baseURL?: string }).baseURL === baseURL;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  console.error(`smoke: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
