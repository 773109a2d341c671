// The desk inside a CMS: underlines over the CMS's own <textarea> or contenteditable, and a findings panel with
// the same cards, in a shadow root so the CMS's styles and ours never meet. Loaded by /v1/desk.js.

import {Client} from './client.js';
import {Field, Session} from './session.js';

let counter = 0;

function element(tag, attrs = {}, text = '') {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text) el.textContent = text;
  return el;
}

// Attach to every element the selector finds, now and whenever the CMS adds one later (a field opened in a
// modal, an editor switched to its code view); returns the live list of sessions, one per field.
export function attach(options) {
  const attached = new WeakSet();
  const sessions = [];
  const scan = () => {
    for (let i = sessions.length - 1; i >= 0; i--) {  // the CMS removed the field: take its desk away with it
      if (!sessions[i].target.isConnected) sessions.splice(i, 1)[0].remove();
    }
    for (const target of document.querySelectorAll(options.target)) {
      if (attached.has(target) || target.closest('[data-copydesk]')) continue;
      attached.add(target);
      sessions.push(attachOne(target, options));
    }
  };
  scan();
  let pending = 0;  // a CMS may change its page a lot: look once a frame at most
  new MutationObserver(() => { if (!pending) pending = requestAnimationFrame(() => { pending = 0; scan(); }); })
    .observe(document.body, {childList: true, subtree: true});
  return sessions;
}

function attachOne(target, options) {
  const id = `copydesk-${++counter}`;
  const client = new Client(options.base, options.token);
  const field = new Field(target);
  const format = options.format || (field.editable ? 'txt' : 'md');
  const path = options.path || `draft.${format === 'html' ? 'html' : format === 'txt' ? 'txt' : 'md'}`;

  // The host sits right after the field, so Tab goes from the field to its copydesk button; it takes no space.
  const host = element('div', {'data-copydesk': id});
  host.style.position = 'absolute';
  host.style.width = '0';
  host.style.height = '0';
  host.style.overflow = 'visible';
  host.style.zIndex = '2147483000';
  target.insertAdjacentElement('afterend', host);
  const root = host.attachShadow({mode: 'open'});
  const style = element('link', {rel: 'stylesheet', href: `${options.base}/desk/assets/desk.css`});
  const layer = element('div', {class: 'cd-layer'});
  const toggle = element('button', {type: 'button', class: 'cd-toggle', 'aria-expanded': 'false',
                                    'aria-controls': `${id}-panel`}, 'copydesk');
  const panel = element('section', {id: `${id}-panel`, class: 'cd-root cd-embed-panel', 'aria-label': 'copydesk findings'});
  panel.hidden = true;
  const summary = element('div', {class: 'cd-summary', role: 'status', 'aria-live': 'polite'});
  const status = element('div', {class: 'cd-status', role: 'alert'});
  const notice = element('p', {class: 'cd-notice', role: 'status', 'aria-live': 'polite'});
  const caret = element('p', {class: 'cd-caret', 'aria-live': 'polite'});
  const card = element('section', {id: `${id}-card`, class: 'cd-card', 'aria-label': 'Finding'});
  card.hidden = true;
  const list = element('ol', {class: 'cd-list', 'aria-label': 'Findings, most important first'});
  const close = element('button', {type: 'button', class: 'cd-close'}, 'Hide findings');
  const heading = element('h2', {}, 'copydesk ');
  const score = element('span', {class: 'cd-score'});
  heading.appendChild(score);
  panel.append(heading, summary, status, notice, caret, card, list, close);
  root.append(style, layer, toggle, panel);

  const show = (open) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) (list.querySelector('button') || close).focus(); else toggle.focus();
  };
  toggle.addEventListener('click', () => show(panel.hidden));
  close.addEventListener('click', () => show(false));
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape' && card.hidden) show(false); });

  const session = new Session({
    client, layer, debounceMs: options.debounceMs,
    parts: () => [{field, prefix: '', label: ''}],
    meta: () => ({path, format, profile: options.profile}),
    ui: {list, card, summary, score, status, caret, notice},
    onRender: (report) => {
      const n = report.files[0] ? report.files[0].findings.length : 0;
      toggle.textContent = `copydesk: ${n} finding${n === 1 ? '' : 's'} · ${report.summary.failed ? '⊘ blocks' : '✔ passes'}`;
      toggle.dataset.failed = String(report.summary.failed);
    },
    onState: (state, message) => {
      if (state !== 'ok' && state !== 'checking') toggle.textContent = `copydesk: ${message.split('.')[0]}`;
    },
  });
  // Opening a card from the field (click, Alt+Enter) opens the panel too.
  const openCard = session.openCard.bind(session);
  session.openCard = (i, focus = true) => {
    if (panel.hidden) { panel.hidden = false; toggle.setAttribute('aria-expanded', 'true'); }
    return openCard(i, focus);
  };

  // The toggle rides the field's bottom-right corner, placed whenever the underlines are.
  const overlay = session.overlays.get(field);
  overlay.onPlace = (r) => {
    const h = host.getBoundingClientRect();
    toggle.style.left = `${r.right - h.left - toggle.offsetWidth - 4}px`;
    toggle.style.top = `${r.bottom - h.top + 4}px`;
  };
  overlay.position();
  session.target = target;
  session.remove = () => { session.live.stop(); session.destroy(); host.remove(); };
  session.live.run();
  return session;
}
