// One draft being checked: its fields, the live check, the underlines, the ranked list, the card and its
// actions. The desk page gives it a headline and a body; the CMS embed gives it the CMS's own field.

import {ApiError, LiveCheck} from './client.js';
import {FieldOverlay, lineStarts, rangeFor, spanOf, textMap} from './overlay.js';

const RANK = {error: 0, warning: 1, info: 2};
const ICONS = {block: '⊘', error: '✖', warning: '⚠', info: 'ℹ'};  // each with a word beside it

export function isBlocking(finding, failOn) {
  return failOn !== 'never' && RANK[finding.severity] <= RANK[failOn];
}

export function hasFix(finding) {
  return Boolean(finding.fix) || finding.replacement !== undefined;
}

// The shortest edit turning `before` into `after`: [start, end) of before, and the text that replaces it.
export function diff(before, after) {
  let a = 0;
  while (a < before.length && a < after.length && before[a] === after[a]) a++;
  let b = 0;
  while (b < before.length - a && b < after.length - a &&
         before[before.length - 1 - b] === after[after.length - 1 - b]) b++;
  return {start: a, end: before.length - b, text: after.slice(a, after.length - b)};
}

// A field's text and how to change it: a <textarea> or <input>, or a contenteditable read as plain text.
export class Field {
  constructor(el) {
    this.el = el;
    this.editable = !('value' in el) || el.isContentEditable;
  }

  get text() { return this.editable ? textMap(this.el).text : this.el.value.replace(/\r\n?/g, '\n'); }

  // Replace [start, end) with `text`, through the browser's editing so undo and the page's own listeners see it.
  replace(start, end, text) {
    const el = this.el;
    el.focus();
    if (this.editable) {
      const {map} = textMap(el);
      const range = rangeFor(map, start, end, el);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    } else {
      el.setSelectionRange(start, end);
    }
    let done = false;
    try {
      done = document.execCommand(text ? 'insertText' : 'delete', false, text);
    } catch (_) { done = false; }
    if (!done) {
      if (this.editable) return false;
      el.setRangeText(text, start, end, 'end');
      el.dispatchEvent(new Event('input', {bubbles: true}));
    }
    return true;
  }

  caret() {
    if (!this.editable) return this.el.selectionStart;
    const selection = window.getSelection();
    if (!selection.rangeCount || !this.el.contains(selection.anchorNode)) return null;
    const {map} = textMap(this.el);
    const hit = map.find((e) => e.node === selection.anchorNode);
    return hit ? hit.start + selection.anchorOffset : null;
  }

  select(start, end) {
    if (!this.editable) {
      this.el.focus({preventScroll: true});
      this.el.setSelectionRange(start, end);
      return;
    }
    const range = rangeFor(textMap(this.el).map, start, end, this.el);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
}

export class Session {
  // options: client, parts() -> [{field, prefix}] in draft order (the draft is the parts' prefixes and texts
  // joined), meta() -> {path, format, profile}, ui: {list, card, summary, score, status, caret}, layer,
  // failOn() -> the gate's level for the chosen profile, debounceMs.
  constructor(options) {
    Object.assign(this, options);
    this.overlays = new Map();
    this.rules = new Map();
    this.findings = [];
    this.spans = [];
    this.current = -1;
    this.report = null;
    this.latencies = [];
    this.live = new LiveCheck(this.client, () => this.draft(), {
      // Only the newest request's answer is painted, so the keystroke it ends with is the newest one sent.
      onSend: () => { this.sentInputAt = this.inputAt; },
      onResult: (report, draft) => this.render(report, draft),
      onState: (state, message) => this.state(state, message),
      debounceMs: options.debounceMs ?? 40});
    for (const {field} of this.parts()) this.watch(field);
  }

  watch(field) {
    this.overlays.set(field, new FieldOverlay(field.el, this.layer));
    field.el.addEventListener('input', () => { this.inputAt = performance.now(); this.changed(); this.live.schedule(); });
    field.el.addEventListener('keydown', (e) => this.key(e, field));
    const caret = () => this.caretMoved(field);
    field.el.addEventListener('click', () => { caret(); this.openAtCaret(field, false); });
    // Only plain caret moves describe the finding under the caret; Alt+arrows and F8 already said theirs.
    const moves = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);
    field.el.addEventListener('keyup', (e) => { if (moves.has(e.key) && !e.altKey) caret(); });
  }

  changed() {
    // Text moved under the underlines: hide them until the re-check answers, so none sits on the wrong words.
    for (const overlay of this.overlays.values()) overlay.box.classList.add('cd-stale');
    if (this.onChange) this.onChange();
  }

  // The draft as the server sees it, and where each field's text sits in it.
  draft() {
    let text = '';
    const placed = [];
    for (const {field, prefix} of this.parts()) {
      text += prefix;
      const value = field.text;
      placed.push({field, start: text.length, end: text.length + value.length});
      text += value;
    }
    this.placed = placed;
    return {text, ...this.meta()};
  }

  state(state, message) {
    // The status line is an alert region: a routine "Checking…" would be read out after every pause in typing,
    // so it is shown by the style sheet from the state, and only problems are written into it.
    const text = state === 'checking' ? '' : message;
    if (this.ui.status.textContent !== text) this.ui.status.textContent = text;
    this.ui.status.dataset.state = state;
    if (this.onState) this.onState(state, message);
  }

  render(report, draft) {
    this.report = report;
    this.draftSent = draft;
    const typedAt = this.sentInputAt;
    const file = report.files[0] || {findings: [], score: null};
    const failOn = report.summary.fail_on;
    this.findings = file.findings;
    const starts = lineStarts(draft.text);
    const marks = new Map();
    this.spans = this.findings.map((f, index) => {
      const [start, end] = spanOf(draft.text, f, starts);
      const part = this.placed.find((p) => start >= p.start && start <= p.end) || this.placed[this.placed.length - 1];
      const local = [start - part.start, Math.min(end, part.end) - part.start];
      const blocking = isBlocking(f, failOn);
      const cls = `cd-sev-${f.severity}${blocking ? ' cd-block' : ''}${f.advisory ? ' cd-advisory' : ''}`;
      if (!marks.has(part.field)) marks.set(part.field, []);
      marks.get(part.field).push({start: local[0], end: Math.max(local[1], local[0] + 1), cls, index,
                                  rank: (blocking ? 0 : 3) + RANK[f.severity]});
      const lineInField = part.field.text.slice(0, local[0]).split('\n').length;
      return {field: part.field, start: local[0], end: local[1], blocking, lineInField, label: part.label};
    });
    for (const [field, overlay] of this.overlays) {
      const list = (marks.get(field) || []).sort((a, b) => a.rank - b.rank);
      overlay.paint(list, field.text);
      overlay.box.classList.remove('cd-stale');
    }
    // A re-check keeps what the editor was looking at: the open card and the focused finding, if they remain.
    const cardFor = this.ui.card.hidden ? null : this.ui.card.dataset.fingerprint;
    const active = this.ui.list.contains(document.activeElement) ? document.activeElement.dataset.fingerprint : null;
    const selected = this.current >= 0 && this.previous ? this.previous[this.current] : null;
    this.renderSummary(report, file);
    this.renderList();
    const indexOf = (fp) => this.findings.findIndex((f) => f.fingerprint === fp);
    const cardFocus = this.ui.card.contains(document.activeElement) ? document.activeElement.dataset.action || '' : null;
    this.current = selected ? indexOf(selected) : -1;
    if (this.current >= 0) this.mark(this.current);  // marked again, without scrolling away from the typing
    if (active) {
      const button = this.ui.list.querySelector(`button.cd-item[data-index="${indexOf(active)}"]`);
      if (button) button.focus({preventScroll: true});
    }
    if (cardFor && indexOf(cardFor) >= 0) {
      this.openCard(indexOf(cardFor), false);
      if (cardFocus !== null) {
        const again = cardFocus ? this.ui.card.querySelector(`button[data-action="${cardFocus}"]`) : null;
        (again || this.ui.card.querySelector('h3')).focus({preventScroll: true});
      }
    } else {
      this.ui.card.hidden = true;
    }
    this.previous = this.findings.map((f) => f.fingerprint);
    if (this.onRender) this.onRender(report);
    // From the last keystroke in this text to the frame that shows its underlines: benchmarks/warm.py desk-edit.
    if (typedAt !== undefined) {
      requestAnimationFrame(() => this.latencies.push(performance.now() - typedAt));
    }
  }

  place(i) {
    const s = this.spans[i];
    const where = this.parts().find((p) => p.field === s.field);
    return where && where.label ? `${where.label}${where.label === 'Headline' ? '' : `, line ${s.lineInField}`}`
      : `line ${s.lineInField}`;
  }

  describe(i) {
    const f = this.findings[i];
    const s = this.spans[i];
    const level = s.blocking ? 'blocks publication' : f.advisory ? 'advisory' : 'does not block';
    return `${f.code} ${f.rule}, ${f.severity}, ${level}, ${this.place(i)}: ${f.message}`;
  }

  renderSummary(report, file) {
    const s = report.summary;
    const blocking = this.findings.filter((f) => isBlocking(f, s.fail_on));
    const box = this.ui.summary;
    const verdict = document.createElement('strong');
    let rest;
    if (s.failed) {
      verdict.textContent = `${ICONS.block} Blocks publication`;
      const codes = [...new Set(blocking.map((f) => f.code))].slice(0, 4).join(', ');
      rest = ` — ${blocking.length} finding${blocking.length === 1 ? '' : 's'} at or above ` +
        `“${s.fail_on}”, the gate's fail level (${codes}).`;
    } else {
      verdict.textContent = '✔ Passes';
      const n = this.findings.length;
      rest = ` — nothing at or above “${s.fail_on}”, the gate's fail level` +
        (n ? `; ${n} advisory finding${n === 1 ? '' : 's'} to read.` : '.');
    }
    // A live region: screen readers hear it again whenever it is rewritten, so rewrite it only when it changes.
    if (box.textContent !== verdict.textContent + rest) box.replaceChildren(verdict, rest);
    box.dataset.failed = String(s.failed);
    if (this.ui.score) {
      this.ui.score.textContent = file.score === null || file.score === undefined ? '' : `score ${file.score}/100`;
    }
  }

  renderList() {
    const list = this.ui.list;
    list.replaceChildren();
    this.findings.forEach((f, i) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `cd-item cd-sev-${f.severity}${this.spans[i].blocking ? ' cd-block' : ''}`;
      button.dataset.index = String(i);
      button.dataset.fingerprint = f.fingerprint;
      const badge = document.createElement('span');
      badge.className = 'cd-badge';
      const kind = this.spans[i].blocking ? 'Blocks' : f.advisory ? 'Advisory' : 'Note';
      badge.textContent = `${this.spans[i].blocking ? ICONS.block : ICONS[f.severity]} ${kind} · ${f.severity}`;
      const head = document.createElement('span');
      head.className = 'cd-item-head';
      head.textContent = `${f.code} ${f.rule} · ${this.place(i)}`;
      const message = document.createElement('span');
      message.className = 'cd-item-message';
      message.textContent = f.message;
      button.append(badge, ' ', head, ' ', message);
      button.setAttribute('aria-label', `Finding ${i + 1} of ${this.findings.length}: ${this.describe(i)}`);
      button.addEventListener('click', () => this.select(i, {card: true}));
      button.addEventListener('keydown', (e) => this.listKey(e, i));
      li.appendChild(button);
      list.appendChild(li);
    });
    if (!this.findings.length) {
      const li = document.createElement('li');
      li.className = 'cd-empty';
      li.textContent = 'No findings.';
      list.appendChild(li);
    }
  }

  listKey(e, i) {
    const buttons = [...this.ui.list.querySelectorAll('button.cd-item')];
    let next = null;
    if (e.key === 'ArrowDown') next = Math.min(i + 1, buttons.length - 1);
    else if (e.key === 'ArrowUp') next = Math.max(i - 1, 0);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    if (next === null) return;
    e.preventDefault();
    buttons[next].focus();
    this.select(next, {card: false, focusField: false});
  }

  // Make finding i the current one: mark its underline, scroll to it, select its span; optionally open its card.
  // Finding i's underline and list item shown as the current one.
  mark(i) {
    const s = this.spans[i];
    for (const [field, overlay] of this.overlays) overlay.setActive(field === s.field ? i : -1);
    for (const b of this.ui.list.querySelectorAll('button.cd-item')) {
      b.setAttribute('aria-current', b.dataset.index === String(i) ? 'true' : 'false');
    }
  }

  select(i, {card = false, focusField = false} = {}) {
    if (i < 0 || i >= this.findings.length) return;
    this.current = i;
    const s = this.spans[i];
    this.mark(i);
    this.overlays.get(s.field).reveal(i);
    if (focusField) s.field.select(s.start, s.end);
    if (this.ui.caret) this.ui.caret.textContent = `Finding ${i + 1} of ${this.findings.length}: ${this.describe(i)}`;
    if (card) this.openCard(i);
  }

  findingAt(field, offset) {
    let best = -1;
    this.spans.forEach((s, i) => {
      if (s.field === field && s.start <= offset && offset <= s.end && best < 0) best = i;
    });
    return best;
  }

  caretMoved(field) {
    const at = field.caret();
    if (at === null || !this.ui.caret) return;
    const i = this.findingAt(field, at);
    if (i >= 0 && i === this.current && this.ui.caret.textContent.startsWith('Finding')) return;
    if (i >= 0) {
      this.ui.caret.textContent = `Underlined here: ${this.describe(i)}. Alt+Enter opens its card.`;
    } else if (this.ui.caret.textContent.startsWith('Underlined here')) {
      this.ui.caret.textContent = '';
    }
  }

  openAtCaret(field, focusCard) {
    const at = field.caret();
    if (at === null) return;
    const i = this.findingAt(field, at);
    if (i >= 0) {
      this.select(i);
      this.openCard(i, focusCard);
    }
  }

  key(e, field) {
    const next = (e.altKey && e.key === 'ArrowDown') || (e.key === 'F8' && !e.shiftKey);
    const prev = (e.altKey && e.key === 'ArrowUp') || (e.key === 'F8' && e.shiftKey);
    if (next || prev) {
      e.preventDefault();
      if (!this.findings.length) return;
      // Step in reading order from the caret, through every field.
      const order = this.findings.map((_, i) => i).sort((a, b) => this.readingKey(a) - this.readingKey(b));
      const here = this.readingPosition(field, field.caret() ?? 0);
      const at = order.indexOf(this.current);
      const onCurrent = at >= 0 && this.spans[this.current].field === field && !field.editable &&
        field.el.selectionStart === this.spans[this.current].start && field.el.selectionEnd === this.spans[this.current].end;
      let pick;
      if (onCurrent) {  // stepping from the finding just selected: the next one in order, even at the same spot
        pick = order[(at + (next ? 1 : order.length - 1)) % order.length];
      } else if (next) {
        pick = order.find((i) => this.readingKey(i) > here) ?? order[0];
      } else {
        pick = [...order].reverse().find((i) => this.readingKey(i) < here) ?? order[order.length - 1];
      }
      this.select(pick, {focusField: true});
      return;
    }
    if (e.altKey && e.key === 'Enter') {
      e.preventDefault();
      this.openAtCaret(field, true);
    }
  }

  readingPosition(field, offset) {
    const order = this.parts().findIndex((p) => p.field === field);
    return order * 1e9 + offset;
  }

  readingKey(i) { return this.readingPosition(this.spans[i].field, this.spans[i].start) + 0.5; }

  async rule(code) {
    const profile = this.meta().profile;
    const key = `${profile}/${code}`;
    if (!this.rules.has(key)) {
      this.rules.set(key, this.client.rule(code, profile).catch(() => null));
    }
    return this.rules.get(key);
  }

  async openCard(i, focus = true) {
    const f = this.findings[i];
    const card = this.ui.card;
    card.replaceChildren();
    card.hidden = false;
    card.dataset.index = String(i);
    card.dataset.fingerprint = f.fingerprint;
    const title = document.createElement('h3');
    title.id = `${card.id}-title`;
    title.tabIndex = -1;
    title.textContent = `${f.code} ${f.rule}`;
    const level = document.createElement('p');
    level.className = 'cd-card-level';
    const blocking = this.spans[i].blocking;
    level.textContent = `${blocking ? `${ICONS.block} Blocks publication` : f.advisory ? 'Advisory' : 'Does not block'} · ` +
      `${f.severity} · confidence ${Number(f.confidence).toFixed(2)} · ${this.place(i)}`;
    const message = document.createElement('p');
    message.className = 'cd-card-message';
    message.textContent = f.message;
    const flagged = document.createElement('p');
    flagged.className = 'cd-card-excerpt';
    flagged.textContent = `Flagged: “${f.excerpt}”`;
    const why = document.createElement('div');
    why.className = 'cd-card-why';
    why.textContent = 'Loading why this matters…';
    card.setAttribute('aria-labelledby', title.id);
    const actions = document.createElement('div');
    actions.className = 'cd-actions';
    const button = (label, action, hint) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.dataset.action = action;
      if (hint) b.title = hint;
      b.addEventListener('click', () => this.act(action, i));
      actions.appendChild(b);
      return b;
    };
    if (hasFix(f)) button('Apply fix', 'fix', 'make the safe fix copydesk check --fix makes');
    button('Not a defect here', 'wrong', 'record a "wrong" verdict for copydesk calibrate');
    button('Right', 'right', 'record a "right" verdict');
    if (this.canSilence(i)) button('Silence here', 'silence', 'insert a copydesk: disable-next-line comment above it');
    button('Close', 'close');
    card.append(title, level, message, flagged, why, actions);
    card.onkeydown = (e) => { if (e.key === 'Escape') { e.preventDefault(); this.closeCard(); } };
    if (focus) title.focus();
    const rule = await this.rule(f.code);
    if (card.dataset.fingerprint !== f.fingerprint) return;
    why.replaceChildren();
    if (rule) {
      const h = document.createElement('h4');
      h.textContent = 'Why it matters';
      const p = document.createElement('p');
      p.textContent = rule.why;
      why.append(h, p);
      const example = (rule.examples && rule.examples.flagged || [])[0];
      if (example) {
        const h2 = document.createElement('h4');
        h2.textContent = 'Example it flags';
        const pre = document.createElement('blockquote');
        pre.textContent = example.trim();
        why.append(h2, pre);
      }
    } else {
      why.textContent = '';
    }
  }

  closeCard() {
    const i = Number(this.ui.card.dataset.index);
    this.ui.card.hidden = true;
    const button = this.ui.list.querySelector(`button.cd-item[data-index="${i}"]`);
    if (button) button.focus();
  }

  canSilence(i) {
    // The comment goes on its own line above the finding, inside the field that holds it.
    const s = this.spans[i];
    const p = this.parts().find((x) => x.field === s.field);
    return !s.field.editable && !(p && p.singleLine);
  }

  async act(action, i) {
    if (action === 'close') { this.closeCard(); return; }
    const f = this.findings[i];
    const draft = this.draftSent;
    if (!draft || this.draft().text !== draft.text) {
      this.say('The draft changed since this finding was found: wait for the new check, then try again.');
      return;
    }
    try {
      if (action === 'wrong' || action === 'right') {
        const answer = await this.client.act('verdicts', draft, {fingerprint: f.fingerprint, verdict: action});
        this.say(`Recorded “${action === 'wrong' ? 'not a defect here' : 'right'}” for ${f.code} in the ` +
          `server's verdicts file (${answer.file}).`);
        if (this.onVerdict) this.onVerdict(answer.recorded);
        return;
      }
      const answer = await this.client.act(action, draft, {fingerprint: f.fingerprint});
      if (!this.applyText(draft.text, answer.text)) {
        this.say('That edit would change the draft outside one field, so it was not made.');
        return;
      }
      this.say(action === 'fix' ? `Applied the fix for ${f.code}.` : `Silenced ${f.code} on that line.`);
      this.ui.card.hidden = true;
      await this.live.run();
      const first = this.ui.list.querySelector('button.cd-item');
      (first || this.ui.list).focus();
    } catch (err) {
      this.say(err instanceof ApiError ? `Not done: ${err.message}.` : `Not done: ${err}`);
    }
  }

  // Apply the server's new draft text as one edit inside one field.
  applyText(before, after) {
    const change = diff(before, after);
    const draft = this.draft();
    if (draft.text !== before) return false;
    const part = this.placed.find((p) => change.start >= p.start && change.end <= p.end);
    if (!part) return false;
    return part.field.replace(change.start - part.start, change.end - part.start, change.text) !== false;
  }

  say(message) {
    if (this.ui.notice) this.ui.notice.textContent = message;
  }

  destroy() {
    for (const overlay of this.overlays.values()) overlay.destroy();
  }
}
