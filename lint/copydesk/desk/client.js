// The desk's conversation with `copydesk serve`: requests with the token, errors as one plain line each, and a
// live check that sends the draft after a pause, drops any answer overtaken by newer typing, and keeps retrying
// while the server is away. Used by the desk page and the CMS embed alike.

export class ApiError extends Error {
  // kind: offline | busy | token | forbidden | too_large | timeout | stale | bad | server | cancelled
  constructor(kind, message, status = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

const STATUS_KINDS = {401: 'token', 403: 'forbidden', 408: 'timeout', 409: 'stale', 413: 'too_large',
                      503: 'busy', 504: 'timeout'};

export class Client {
  constructor(base = '', token = null) {
    this.base = base.replace(/\/+$/, '');
    this.token = token;
  }

  // One request; resolves to the parsed JSON (or text for HTML) and rejects with an ApiError.
  async request(method, path, body = null, {signal = null, timeoutMs = 35000, as = 'json'} = {}) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
    const cancel = () => controller.abort();
    if (signal) signal.addEventListener('abort', cancel, {once: true});
    const headers = {};
    if (body !== null) headers['Content-Type'] = 'application/json';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(this.base + path, {
        method, headers, body: body === null ? undefined : JSON.stringify(body), signal: controller.signal,
        credentials: 'omit', cache: 'no-store', mode: 'cors'});
    } catch (err) {
      if (timedOut) throw new ApiError('timeout', `the check took longer than ${Math.round(timeoutMs / 1000)} s`);
      if (signal && signal.aborted) throw new ApiError('cancelled', 'superseded by newer text');
      throw new ApiError('offline', `copydesk is not answering at ${this.base || location.origin}`);
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', cancel);
    }
    if (response.ok) return as === 'text' ? response.text() : response.json();
    let error = {};
    try { error = (await response.json()).error || {}; } catch (_) { /* not our JSON: a proxy's page */ }
    const kind = STATUS_KINDS[response.status] || (response.status >= 500 ? 'server' : 'bad');
    const message = error.message || `the server answered ${response.status}`;
    throw new ApiError(error.code === 'stale_finding' ? 'stale' : kind, message, response.status);
  }

  config() { return this.request('GET', '/v1/desk/config'); }
  rule(code, profile) {
    const query = profile && profile !== 'default' ? `?profile=${encodeURIComponent(profile)}` : '';
    return this.request('GET', `/v1/rules/${encodeURIComponent(code)}${query}`);
  }
  check(draft, signal) { return this.request('POST', '/v1/check', draft, {signal}); }
  act(action, draft, extra) { return this.request('POST', `/v1/${action}`, {...draft, ...extra}); }
  reportHtml(draft) { return this.request('POST', '/v1/report.html', draft, {as: 'text'}); }
  async healthy() {
    try { await this.request('GET', '/healthz', null, {timeoutMs: 3000}); return true; } catch (_) { return false; }
  }
}

// Re-checks a draft after each pause in typing, one request at a time per draft: text typed while a check runs
// waits for it and goes out the moment it answers, so a fast typist never queues a pile of checks on the server.
// Only the newest text's answer is ever painted: an answer whose text no longer matches the field is dropped.
export class LiveCheck {
  constructor(client, getDraft, {onResult, onState, onSend = () => {}, debounceMs = 40}) {
    this.client = client;
    this.onSend = onSend;
    this.getDraft = getDraft;
    this.onResult = onResult;
    this.onState = onState;
    this.debounceMs = debounceMs;
    this.seq = 0;
    this.timer = null;
    this.inflight = null;
    this.queued = false;
    this.retryTimer = null;
    this.retryDelay = 1000;
    this.maxBytes = Infinity;
    this.stats = {sent: 0, dropped: 0, painted: 0, queued: 0};
  }

  schedule(delay = this.debounceMs) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delay);
  }

  async run() {
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    if (this.inflight) {  // one at a time: this text goes out as soon as the running check answers
      this.queued = true;
      this.stats.queued += 1;
      return;
    }
    const draft = this.getDraft();
    const seq = ++this.seq;
    const bytes = new TextEncoder().encode(JSON.stringify(draft)).length;
    if (bytes > this.maxBytes) {
      this.onState('too_large', `This draft is ${bytes.toLocaleString('en')} bytes, over the server's limit of ` +
        `${this.maxBytes.toLocaleString('en')}; it is not checked until it is shorter. Your text is kept.`);
      return;
    }
    const controller = new AbortController();
    this.inflight = controller;
    this.onSend(draft);
    this.stats.sent += 1;
    this.onState('checking', 'Checking…');
    let report = null;
    let error = null;
    try {
      report = await this.client.check(draft, controller.signal);
    } catch (err) {
      error = err;
    }
    this.inflight = null;
    const stale = seq !== this.seq || this.getDraft().text !== draft.text;
    if (this.queued || stale) {
      // Newer typing came in while this check ran: its answer would paint spans on words that moved.
      this.queued = false;
      this.stats.dropped += 1;
      this.run();
      return;
    }
    if (error) {
      if (error.kind !== 'cancelled') this.failed(error);
      return;
    }
    this.retryDelay = 1000;
    this.stats.painted += 1;
    this.onResult(report, draft);
    this.onState('ok', '');
  }

  stop() {
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    if (this.inflight) this.inflight.abort();
  }

  failed(err) {
    if (err.kind === 'offline' || err.kind === 'busy' || err.kind === 'server') {
      const seconds = Math.round(this.retryDelay / 1000);
      const what = err.kind === 'offline' ? `${err.message}: it may be restarting` : err.message;
      this.onState('retrying', `${what}. Trying again in ${seconds} s; your text is kept in this browser.`);
      this.retryTimer = setTimeout(() => this.run(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 8000);
    } else if (err.kind === 'token') {
      this.onState('token', `This server needs an access token (${err.message}). Enter it to go on; ` +
        'your text is kept.');
    } else if (err.kind === 'too_large') {
      this.onState('too_large', `The draft is over the server's size limit (${err.message}); it is not ` +
        'checked until it is shorter. Your text is kept.');
    } else if (err.kind === 'timeout') {
      this.onState('timeout', `The check timed out (${err.message}). It runs again on your next edit, or ` +
        'press "Check now". Your text is kept.');
    } else {
      this.onState('error', `The check failed: ${err.message}. Your text is kept.`);
    }
  }
}
