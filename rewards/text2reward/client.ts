/**
 * An OpenAI-compatible chat-completions client (vLLM, Ollama, llama.cpp server, hosted APIs): POST
 * `{url}/chat/completions` with `{model, messages, temperature}`, `Authorization: Bearer KEY` when a key
 * is set. Each attempt has a timeout; network errors, timeouts, 429 and 5xx are retried with exponential
 * backoff up to `maxRetries` times; other 4xx fail at once with the server's message.
 *
 * Configuration: `REWARDFORGE_LLM_URL` (base URL, e.g. http://127.0.0.1:8000/v1), `REWARDFORGE_LLM_MODEL`,
 * `REWARDFORGE_LLM_API_KEY`.
 */
import { endpointUrl } from '../endpoint.ts';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatClient {
  /** Model name recorded in provenance. */
  readonly model: string;
  complete(messages: readonly ChatMessage[]): Promise<string>;
}

export interface HttpChatOptions {
  readonly url: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly temperature?: number;
  /** Per-attempt timeout (default 60 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  readonly maxRetries?: number;
  /** First backoff delay, doubled each retry (default 500 ms). */
  readonly backoffMs?: number;
}

export class ChatError extends Error {
  constructor(message: string, readonly attempts: number) {
    super(message);
    this.name = 'ChatError';
  }
}

/** The client configured by the environment, or undefined when `REWARDFORGE_LLM_URL` is unset. */
export function chatClientFromEnv(env: NodeJS.ProcessEnv = process.env): HttpChatClient | undefined {
  const url = env.REWARDFORGE_LLM_URL;
  if (!url) return undefined;
  const model = env.REWARDFORGE_LLM_MODEL;
  if (!model) throw new Error('REWARDFORGE_LLM_URL is set but REWARDFORGE_LLM_MODEL is not; set the model name the endpoint serves');
  return new HttpChatClient({ url, model, apiKey: env.REWARDFORGE_LLM_API_KEY });
}

export class HttpChatClient implements ChatClient {
  readonly model: string;
  private readonly endpoint: string;

  constructor(private readonly opts: HttpChatOptions) {
    this.endpoint = endpointUrl(opts.url, 'REWARDFORGE_LLM_URL', 'chat/completions');
    this.model = opts.model;
  }

  async complete(messages: readonly ChatMessage[]): Promise<string> {
    const maxRetries = this.opts.maxRetries ?? 3;
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    let delay = this.opts.backoffMs ?? 500;
    let lastError = '';
    for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
      let retryable = true;
      try {
        const res = await fetch(this.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}) },
          body: JSON.stringify({ model: this.model, messages, temperature: this.opts.temperature ?? 0.2 }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        if (res.ok) {
          let body: { choices?: { message?: { content?: unknown } }[] };
          try {
            body = JSON.parse(text);
          } catch {
            throw new ChatError(`the endpoint answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`, attempt);
          }
          const content = body.choices?.[0]?.message?.content;
          if (typeof content !== 'string') throw new ChatError(`the endpoint's answer has no choices[0].message.content: ${text.slice(0, 200)}`, attempt);
          return content;
        }
        lastError = `HTTP ${res.status}: ${text.slice(0, 300)}`;
        retryable = res.status === 429 || res.status >= 500;
      } catch (e) {
        if (e instanceof ChatError) throw e;
        const err = e as Error;
        lastError = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `request failed: ${err.message}`;
      }
      if (!retryable) throw new ChatError(`${this.endpoint} refused the request: ${lastError}`, attempt);
      if (attempt <= maxRetries) {
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
    throw new ChatError(`${this.endpoint}: gave up after ${maxRetries + 1} attempts; last error: ${lastError}`, maxRetries + 1);
  }
}
