import OpenAI from "openai";
import { AnswerInterruptedError, AttemptTimedOutError } from "./errors";
import { classifySendFailure } from "./sendFailure";
import type { ResolvedSettings } from "./settings";

const silent = () => {};
/**
 * The SDK logs whole requests and answers (a create answer holds the client secret) when
 * OPENAI_LOG=debug is set; its logger is replaced by one that drops everything, whatever the
 * environment says.
 */
const SILENT_LOGGER = { error: silent, warn: silent, info: silent, debug: silent };

/**
 * Not the SDK's: OPENAI_ADMIN_KEY would add a second credential to every request. The releases
 * that read it (openai 6.36 on, and 7) take this option; earlier ones, back to the supported floor
 * 6.2.0, neither read the variable nor know the option. Spread from a constant, so that it
 * type-checks against both.
 */
const NO_ADMIN_KEY = { adminAPIKey: null };

/** The longest delay a Node.js timer can wait; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Told the HTTP status as soon as the headers of an answer arrive. For an error status the SDK
 * reads the whole body before it returns anything, so without this an error answer whose body
 * is slow would look like no answer at all (and a create like one that may have acted). It rides
 * to fetch inside the request's own fetch options, which the SDK passes through as they are: a
 * symbol key, so it cannot clash with a real option.
 */
const ON_HEADERS = Symbol("chatkit.onHeaders");

/**
 * Each request's fetch options. Redirects are not followed: the API never redirects, and
 * following one would send the request, state variables and project header included, to an
 * address nobody configured. The 3xx comes back as the answer.
 */
interface ReportingFetchOptions {
  redirect: "manual";
  [ON_HEADERS]: (status: number) => void;
  [ENDS]: AbortSignal;
}

/**
 * The attempt's own signal, given to fetch in place of the SDK's. Handed to the SDK as its
 * `signal` option, it would be linked to the SDK's own with an event listener on every request,
 * which costs more than all the rest the provider adds to a create.
 */
const ENDS = Symbol("chatkit.ends");

/** fetch, ended by the attempt's own signal, reporting each answer's status to the attempt waiting for it. */
const reportingFetch: typeof fetch = async (input, init) => {
  const options = init as (RequestInit & Partial<ReportingFetchOptions>) | undefined;
  const response = await fetch(input, options?.[ENDS] ? { ...options, signal: options[ENDS] } : options);
  options?.[ON_HEADERS]?.(response.status);
  return response;
};

/** A client for these settings; the provider keeps it while its settings are unchanged. */
export function clientFor(settings: Readonly<ResolvedSettings>): OpenAI {
  return new OpenAI({
    ...NO_ADMIN_KEY,
    apiKey: settings.apiKey,
    baseURL: settings.baseURL,
    organization: settings.organization ?? null,
    project: settings.project ?? null,
    // Retries are the provider's own (see retry.ts): a create must not be retried when the
    // server may already have acted, which the SDK's policy cannot tell apart.
    maxRetries: 0,
    fetch: reportingFetch,
    logger: SILENT_LOGGER,
    logLevel: "off",
    // The SDK merges OPENAI_CUSTOM_HEADERS from the environment over its own headers, so that
    // variable could replace the configured key, organization or project. Headers set here win
    // over it (null removes a header), so what is configured is what is sent.
    defaultHeaders: {
      Authorization: `Bearer ${settings.apiKey}`,
      "OpenAI-Organization": settings.organization ?? null,
      "OpenAI-Project": settings.project ?? null,
    },
  });
}

/** What a request starter receives and passes to the SDK call as its request options. */
export interface RequestOptions {
  fetchOptions: ReportingFetchOptions;
}

/**
 * Runs one request and reads its whole answer within `limitMs`, body included (the SDK's own
 * timer stops when the headers arrive, so a stalled or trickling body would otherwise run on).
 * Returns the HTTP status, the headers and the body text. A request that never left is reported as
 * NotSentError; a body cut off mid-way as AnswerInterruptedError.
 */
export async function boundedRequest(
  start: (options: RequestOptions) => { asResponse(): Promise<Response> },
  limitMs: number,
  baseURL: string,
): Promise<{ status: number; headers: Headers; text: string }> {
  const controller = new AbortController();
  let answerStarted = false;
  /** The answer's status, from the moment its headers arrived. */
  let status: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(new AttemptTimedOutError(limitMs, answerStarted || status !== undefined, status));
        controller.abort();
      },
      Math.min(limitMs, MAX_TIMER_MS),
    );
  });
  const attempt = async () => {
    let response: Response;
    try {
      // The SDK's own timer (its default) ends only the SDK's signal, which fetch is not given: the
      // attempt's timer alone decides.
      const fetchOptions: ReportingFetchOptions = {
        redirect: "manual",
        [ON_HEADERS]: (arrived) => {
          status = arrived;
        },
        [ENDS]: controller.signal,
      };
      response = await start({ fetchOptions }).asResponse();
    } catch (error) {
      throw classifySendFailure(error, baseURL);
    }
    answerStarted = true;
    try {
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      throw new AnswerInterruptedError(response.status, error);
    }
  };
  try {
    return await Promise.race([attempt(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
