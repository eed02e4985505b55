/**
 * Every error the emulator answers, each built by one named constructor in the API's envelope
 * `{ "error": { message, type, param, code } }`, with its HTTP status. The texts are the API's
 * where it has one in public (emulator/FIDELITY.md says which); the rest are the emulator's own.
 */

/** The inside of the API's error envelope. */
export interface ApiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** An error answer: its status and what goes in the envelope. */
export interface ApiError {
  status: number;
  error: ApiErrorBody;
}

type ErrorType = "invalid_request_error" | "requests" | "server_error";

const body = (type: ErrorType, message: string, code: string | null = null, param: string | null = null) => ({
  message,
  type,
  param,
  code,
});

const answer = (status: number, error: ApiErrorBody): ApiError => ({ status, error });

/** A create body the API's validation refuses (validate.ts finds which parameter and why). */
export const invalidParameter = (message: string, param: string, code: string): ApiErrorBody =>
  body("invalid_request_error", message, code, param);

/** A refused create body, as answered. */
export const invalidBody = (problem: ApiErrorBody): ApiError => answer(400, problem);

export const notJsonBody = (): ApiError =>
  answer(
    400,
    body(
      "invalid_request_error",
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
    ),
  );

export const bodyTooLarge = (maxBytes: number): ApiError =>
  answer(
    413,
    body(
      "invalid_request_error",
      `Request body too large: the emulator accepts at most ${maxBytes} bytes.`,
      "request_too_large",
    ),
  );

export const invalidUrl = (method: string, path: string): ApiError =>
  answer(404, body("invalid_request_error", `Invalid URL (${method} ${path})`));

export const noApiKey = (): ApiError =>
  answer(
    401,
    body(
      "invalid_request_error",
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    ),
  );

/** `masked` is the fragment of the key the message quotes; the request log keeps none of it. */
export const incorrectApiKey = (masked: string): ApiError =>
  answer(
    401,
    body(
      "invalid_request_error",
      `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      "invalid_api_key",
    ),
  );

export const missingBetaHeader = (): ApiError =>
  answer(
    400,
    body(
      "invalid_request_error",
      "You must provide the 'OpenAI-Beta' header with the value 'chatkit_beta=v1' to use the ChatKit API.",
      "missing_beta_header",
    ),
  );

export const rateLimited = (): ApiError =>
  answer(429, body("requests", "Rate limit reached for requests. Please try again later.", "rate_limit_exceeded"));

export const workflowNotFound = (id: string): ApiError =>
  answer(404, body("invalid_request_error", `Workflow with id '${id}' not found.`));

export const sessionNotFound = (id: string): ApiError =>
  answer(404, body("invalid_request_error", `Chatkit Session with id '${id}' not found.`));

export const storeFull = (maxBytes: number, neededBytes: number): ApiError =>
  answer(
    429,
    body(
      "requests",
      `The emulator's session store is full: it keeps at most ${maxBytes} bytes of sessions (maxStoredBytes) and this one needs ${neededBytes}; ended sessions are forgotten first. Try again once a session ends, or cancel one.`,
      "session_store_full",
    ),
  );

export const clientSecretEnded = (status: string): ApiError =>
  answer(
    401,
    body(
      "invalid_request_error",
      `This ChatKit session is ${status}; its client secret can no longer be used.`,
      "invalid_client_secret",
    ),
  );

/** A client secret this emulator does not hold: it keeps sessions in memory, for a while after they end. */
export const clientSecretUnknown = (): ApiError =>
  answer(
    401,
    body(
      "invalid_request_error",
      "This emulator knows no session with this client secret: it keeps sessions in memory only, so a restart forgets them, and it forgets a session some time after it ended (ten minutes by default, sooner when its store is full).",
      "client_secret_unknown",
    ),
  );

/** A fault's status, with the type the API gives that kind of status. */
export const injectedFault = (status: number): ApiError =>
  answer(
    status,
    body(
      status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error",
      `Injected fault: HTTP ${status}.`,
    ),
  );

export const misdirected = (port: number): ApiError =>
  answer(
    421,
    body(
      "invalid_request_error",
      `The emulator's page and its own endpoints answer only to a Host naming this machine (such as localhost:${port}); to serve them under another name, start it with --allow-host <name>.`,
      "misdirected_request",
    ),
  );

export const invalidFault = (problem: { message: string; param: string | null }): ApiError =>
  answer(400, body("invalid_request_error", problem.message, "invalid_fault", problem.param));

export const unknownControl = (path: string): ApiError =>
  answer(404, body("invalid_request_error", `Unknown emulator control ${path}`));

export const teachingOff = (): ApiError =>
  answer(
    403,
    body(
      "invalid_request_error",
      "Teaching controls are off: start the emulator with --teach to cancel or expire sessions from the page.",
      "teaching_controls_off",
    ),
  );

export const tooManyStreams = (maxStreams: number): ApiError =>
  answer(
    503,
    body(
      "server_error",
      `Too many live pages are open: the emulator streams to at most ${maxStreams} at once. Close some and try again.`,
      "too_many_streams",
    ),
  );

export const emulatorFailure = (failure: unknown): ApiError =>
  answer(500, body("server_error", `Emulator failure: ${String(failure)}`));
