// The desk page served by `copydesk serve` at /: a headline and a body checked as the editor types, the draft
// kept in this browser, the profile picker, exports, and the token prompt.

import {ApiError, Client} from './client.js';
import {Field, Session} from './session.js';

const STORE = 'copydesk-desk-draft-v1';
const TOKEN = 'copydesk-desk-token';
const $ = (id) => document.getElementById(id);

function saved() {
  try { return JSON.parse(localStorage.getItem(STORE) || 'null') || {}; } catch (_) { return {}; }
}

function download(name, type, data) {
  const url = URL.createObjectURL(new Blob([data], {type}));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function main() {
  const client = new Client('', sessionStorage.getItem(TOKEN));
  const headline = $('headline');
  const body = $('body');
  const format = $('format');
  const profile = $('profile');
  const draft = saved();
  headline.value = draft.headline || '';
  body.value = draft.body || '';
  if (draft.format) format.value = draft.format;
  const fields = {headline: new Field(headline), body: new Field(body)};
  let failLevels = {default: 'warning'};

  // The fields grow with the text (the page scrolls, not the field): once a frame at most.
  let growing = 0;
  const growNow = () => {
    growing = 0;
    for (const el of [headline, body]) {
      el.style.height = 'auto';
      el.style.height = `${Math.max(el.scrollHeight + 2, el === body ? 320 : 0)}px`;
    }
  };
  const grow = () => { if (!growing) growing = requestAnimationFrame(growNow); };
  // The draft is kept in this browser half a second after typing stops, and at once when the page goes.
  let storing = 0;
  const later = () => { clearTimeout(storing); storing = setTimeout(store, 500); };
  window.addEventListener('pagehide', () => store());
  const store = () => {
    clearTimeout(storing);
    try {
      localStorage.setItem(STORE, JSON.stringify({headline: headline.value, body: body.value, format: format.value,
                                                  profile: profile.value, saved: new Date().toISOString()}));
    } catch (_) {
      $('notice').textContent = 'This browser would not keep the draft (storage full or blocked): copy it somewhere safe.';
    }
  };

  const session = new Session({
    client,
    layer: $('layer'),
    debounceMs: Number(new URLSearchParams(location.search).get('debounce') || 40),
    parts: () => {
      const parts = [];
      if (headline.value.trim()) {
        parts.push({field: fields.headline, prefix: format.value === 'md' ? '# ' : '', label: 'Headline', singleLine: true});
      }
      parts.push({field: fields.body, prefix: parts.length ? '\n\n' : '', label: 'Body'});
      return parts;
    },
    meta: () => ({path: format.value === 'md' ? 'draft.md' : 'draft.txt', format: format.value,
                  profile: profile.value || 'default'}),
    ui: {list: $('finding-list'), card: $('card'), summary: $('summary'), score: $('score'), status: $('status'),
         caret: $('caret'), notice: $('notice')},
    onChange: () => { grow(); later(); },
    onState: (state) => {
      $('token-box').hidden = state !== 'token';
      document.body.dataset.state = state;
      if (state === 'token') $('token').focus();
      if (state === 'retrying') watchForServer();
    },
    onRender: () => { document.body.dataset.checked = String(session.live.stats.painted); },
  });
  window.copydeskDesk = session;  // for the tests and the benchmark: the live check's counters

  headline.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.altKey) e.preventDefault(); });
  headline.addEventListener('input', () => {
    if (/[\r\n]/.test(headline.value)) {
      const at = headline.selectionStart;
      headline.value = headline.value.replace(/[\r\n]+/g, ' ');
      headline.setSelectionRange(at, at);
    }
  });
  format.addEventListener('change', () => { store(); session.live.run(); });
  profile.addEventListener('change', () => { store(); session.live.run(); });
  $('check-now').addEventListener('click', () => session.live.run());
  $('token-box').addEventListener('submit', (e) => {
    e.preventDefault();
    client.token = $('token').value.trim() || null;
    if (client.token) sessionStorage.setItem(TOKEN, client.token); else sessionStorage.removeItem(TOKEN);
    $('token').value = '';
    start();
  });
  $('export-json').addEventListener('click', () => {
    if (!session.report) { $('notice').textContent = 'Nothing to export yet: the draft has not been checked.'; return; }
    download('copydesk-report.json', 'application/json', `${JSON.stringify(session.report, null, 2)}\n`);
  });
  $('export-html').addEventListener('click', async () => {
    try {
      download('copydesk-report.html', 'text/html', await client.reportHtml(session.draft()));
    } catch (err) {
      $('notice').textContent = `Not exported: ${err.message}.`;
    }
  });
  $('fix-all').addEventListener('click', async () => {
    const sent = session.draft();
    try {
      const answer = await client.act('fix', sent, {all: true});
      if (answer.text === sent.text) { $('notice').textContent = 'There is no safe fix to apply.'; return; }
      if (!session.applyText(sent.text, answer.text)) {
        $('notice').textContent = 'The fixes would change the headline and body together; apply them one by one.';
        return;
      }
      $('notice').textContent = `Applied ${answer.applied} safe fix(es).`;
      session.live.run();
    } catch (err) {
      $('notice').textContent = `Not fixed: ${err.message}.`;
    }
  });
  $('clear').addEventListener('click', () => {
    if (!window.confirm('Clear the draft from this page and this browser?')) return;
    headline.value = '';
    body.value = '';
    localStorage.removeItem(STORE);
    grow();
    session.live.run();
  });
  window.addEventListener('resize', grow);

  let watching = false;
  // While the server is away the live check retries on its own; say when it is back.
  async function watchForServer() {
    if (watching) return;
    watching = true;
    while (!(await client.healthy())) await new Promise((r) => setTimeout(r, 1000));
    watching = false;
    $('notice').textContent = 'copydesk is answering again.';
    if (document.body.dataset.state === 'retrying') start();  // its config may have changed with the restart
  }

  async function start() {
    try {
      const config = await client.config();
      failLevels = Object.fromEntries(config.profiles.map((p) => [p.name, p.fail_on]));
      const want = draft.profile || profile.value;
      profile.replaceChildren(...config.profiles.map((p) => {
        const option = document.createElement('option');
        option.value = p.name;
        option.textContent = `${p.name} (fails at ${p.fail_on})`;
        return option;
      }));
      if (failLevels[want]) profile.value = want;
      session.live.maxBytes = config.max_body_bytes;
    } catch (err) {
      if (err instanceof ApiError) session.live.failed(err);
      if (!(err instanceof ApiError) || err.kind === 'token') return;
      if (err.kind === 'offline') return;  // the live check's retry picks up when the server is back
    }
    grow();
    session.live.run();
  }
  grow();
  start();
}

main();
