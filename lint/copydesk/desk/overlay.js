// Underlines over a text field without touching it: a mirror of a <textarea> (same box, font and wrapping,
// transparent text) or rectangles over a contenteditable's text, drawn in a layer that lets clicks through.
// Also the arithmetic between the report's lines and columns (code points) and the field's string offsets.

// Offsets where each line starts, for the line breaks Python's reader counts (\r\n, \r, \n).
export function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    } else if (c === '\n') {
      starts.push(i + 1);
    }
  }
  return starts;
}

// The UTF-16 offset of a 1-based code-point column on a line (JSON columns count code points, like Python).
function columnOffset(text, lineStart, column) {
  let offset = lineStart;
  for (let n = 1; n < column && offset < text.length; n++) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return offset;
}

// [start, end) of a finding in `text`, as string offsets.
export function spanOf(text, finding, starts = lineStarts(text)) {
  const line = Math.max(1, Math.min(finding.line, starts.length));
  const endLine = Math.max(line, Math.min(finding.end_line || finding.line, starts.length));
  const start = columnOffset(text, starts[line - 1], finding.column || 1);
  let end = columnOffset(text, starts[endLine - 1], finding.end_column || finding.column || 1);
  if (end <= start) end = Math.min(text.length, start + 1);
  return [start, end];
}

const MIRRORED = ['borderTopWidth', 'borderRightWidth', 'borderBottomWidth',
  'borderLeftWidth', 'borderTopStyle', 'borderRightStyle', 'borderBottomStyle', 'borderLeftStyle', 'paddingTop',
  'paddingRight', 'paddingBottom', 'paddingLeft', 'fontStyle', 'fontVariant', 'fontWeight', 'fontStretch',
  'fontSize', 'fontFamily', 'lineHeight', 'textAlign', 'textTransform', 'textIndent', 'letterSpacing',
  'wordSpacing', 'tabSize', 'direction'];

// A layer over one field. marks: [{start, end, cls, index}] in the field's own text offsets.
export class FieldOverlay {
  constructor(field, layer) {
    this.field = field;
    this.layer = layer;  // an absolutely positioned container in document coordinates
    this.editable = field.tagName !== 'TEXTAREA' && field.tagName !== 'INPUT';
    this.box = document.createElement('div');
    this.box.className = 'cd-overlay';
    this.box.setAttribute('aria-hidden', 'true');  // the findings are read from the panel, not from here
    this.layer.appendChild(this.box);
    this.marks = [];
    this.elements = new Map();  // finding index -> [elements]
    this.onPlace = null;  // called after each placing (the embed's button follows the field with it)
    // The page around the field may move it at any time (a status line, a CMS toolbar). Nothing runs while
    // nothing changes: resizes, scrolls and changes to the page ask for one placing in the next frame.
    this.frame = 0;
    this.place = () => { if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.position(); }); };
    window.addEventListener('resize', this.place);
    document.addEventListener('scroll', this.place, true);
    field.addEventListener('scroll', this.place);
    field.addEventListener('input', this.place);
    this.resizer = new ResizeObserver(this.place);
    this.resizer.observe(field);
    this.resizer.observe(document.body);
    this.mutations = new MutationObserver((records) => {
      if (records.some((r) => !this.layer.contains(r.target))) this.place();  // not our own drawing
    });
    this.mutations.observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    window.removeEventListener('resize', this.place);
    document.removeEventListener('scroll', this.place, true);
    this.field.removeEventListener('scroll', this.place);
    this.field.removeEventListener('input', this.place);
    this.resizer.disconnect();
    this.mutations.disconnect();
    this.box.remove();
  }

  paint(marks, text) {
    this.marks = marks;
    this.text = text;
    this.elements = new Map();
    this.box.replaceChildren();
    if (this.editable) this.paintEditable(); else this.paintMirror();
    this.position();
  }

  // Segments of the text, each under the most serious finding covering it.
  segments() {
    const cuts = new Set([0, this.text.length]);
    for (const m of this.marks) { cuts.add(m.start); cuts.add(m.end); }
    const points = [...cuts].filter((x) => x >= 0 && x <= this.text.length).sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const covering = this.marks.filter((m) => m.start <= a && m.end >= b && m.start < m.end);
      out.push({start: a, end: b, covering});
    }
    return out;
  }

  paintMirror() {
    const mirror = document.createElement('div');
    mirror.className = 'cd-mirror';
    for (const seg of this.segments()) {
      const piece = this.text.slice(seg.start, seg.end);
      if (!seg.covering.length) { mirror.appendChild(document.createTextNode(piece)); continue; }
      const top = seg.covering[0];  // marks come most serious first
      const mark = document.createElement('mark');
      mark.className = `cd-u ${top.cls}`;
      mark.dataset.findings = seg.covering.map((m) => m.index).join(' ');
      mark.textContent = piece;
      for (const m of seg.covering) {
        if (!this.elements.has(m.index)) this.elements.set(m.index, []);
        this.elements.get(m.index).push(mark);
      }
      mirror.appendChild(mark);
    }
    mirror.appendChild(document.createTextNode('\u200b'));  // a trailing newline still takes its line
    this.mirror = mirror;
    this.box.appendChild(mirror);
  }

  // contenteditable: the text as textMap() reads it, mapped back to text nodes; the bars are drawn by position().
  paintEditable() {
    const map = textMap(this.field).map;
    this.ranges = this.marks.map((m) => ({mark: m, range: rangeFor(map, m.start, m.end)})).filter((x) => x.range);
  }

  drawEditable(layerRect) {
    const active = [...this.box.querySelectorAll('.cd-active')].map((el) => el.dataset.index);
    this.box.replaceChildren();
    this.elements = new Map();
    for (const {mark, range} of this.ranges || []) {
      const els = [];
      for (const r of range.getClientRects()) {
        const bar = document.createElement('div');
        bar.className = `cd-u cd-rect ${mark.cls}${active.includes(String(mark.index)) ? ' cd-active' : ''}`;
        bar.dataset.index = String(mark.index);
        bar.style.left = `${r.left - layerRect.left}px`;
        bar.style.top = `${r.top - layerRect.top}px`;
        bar.style.width = `${r.width}px`;
        bar.style.height = `${r.height}px`;
        this.box.appendChild(bar);
        els.push(bar);
      }
      this.elements.set(mark.index, els);
    }
  }

  position() {
    if (!this.box.isConnected) return;
    const rect = this.field.getBoundingClientRect();
    const layerRect = this.layer.getBoundingClientRect();
    if (this.onPlace) this.onPlace(rect);
    const left = rect.left - layerRect.left;
    const top = rect.top - layerRect.top;
    if (this.editable) {
      this.drawEditable(layerRect);
      return;
    }
    if (!this.mirror) return;
    const cs = getComputedStyle(this.field);
    for (const key of MIRRORED) this.mirror.style[key] = cs[key];
    this.mirror.style.boxSizing = 'border-box';  // sized to the field's border box below, whatever the field's own
    // A scroll bar narrows the text: pad the mirror by its width so lines wrap where the field's do.
    const bars = this.field.offsetWidth - this.field.clientWidth - parseFloat(cs.borderLeftWidth) -
      parseFloat(cs.borderRightWidth);
    this.mirror.style.paddingRight = `${parseFloat(cs.paddingRight) + Math.max(0, bars)}px`;
    this.mirror.style.left = `${left}px`;
    this.mirror.style.top = `${top}px`;
    this.mirror.style.width = `${rect.width}px`;
    this.mirror.style.height = `${rect.height}px`;
    this.mirror.scrollTop = this.field.scrollTop;
    this.mirror.scrollLeft = this.field.scrollLeft;
  }

  setActive(index) {
    for (const el of this.box.querySelectorAll('.cd-active')) el.classList.remove('cd-active');
    for (const el of this.elements.get(index) || []) el.classList.add('cd-active');
  }

  // Scroll the field and the page so finding `index` is in view.
  reveal(index) {
    const els = this.elements.get(index) || [];
    if (!els.length) return;
    if (!this.editable && this.mirror) {
      const el = els[0];
      const within = el.offsetTop - this.mirror.offsetTop;
      if (this.field.scrollHeight > this.field.clientHeight &&
          (within < this.field.scrollTop || within > this.field.scrollTop + this.field.clientHeight - 20)) {
        this.field.scrollTop = Math.max(0, within - this.field.clientHeight / 3);
        this.position();
      }
    }
    const r = els[0].getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) {
      window.scrollBy({top: r.top - window.innerHeight / 3, behavior: 'instant'});
    }
  }
}

const BLOCKS = new Set(['P', 'DIV', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'FIGCAPTION', 'PRE',
  'UL', 'OL', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'FIGURE', 'TABLE', 'TR']);

// The text of a contenteditable as a plain-text draft (blocks apart by a blank line, <br> a line break), and a
// map of where each text node's characters sit in it.
export function textMap(root) {
  let text = '';
  const map = [];
  const breakBlock = () => {
    if (!text) return;
    if (!text.endsWith('\n')) text += '\n';
    if (!text.endsWith('\n\n')) text += '\n';
  };
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        if (/^\s*$/.test(child.nodeValue) && /[\r\n]/.test(child.nodeValue)) continue;  // the HTML's own indentation
        const value = child.nodeValue.replace(/[\r\n]/g, ' ');  // same length: offsets stay the node's
        map.push({node: child, start: text.length, end: text.length + value.length});
        text += value;
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === 'BR') { text += '\n'; continue; }
        const block = BLOCKS.has(child.tagName);
        if (block) breakBlock();
        walk(child);
        if (block) breakBlock();
      }
    }
  };
  walk(root);
  return {text: text.replace(/\n+$/, '\n'), map};
}

// A DOM range for [start, end) of textMap()'s text. A point outside every text node (an empty field) falls back
// to the start or end of `root` when one is given; without one, null.
export function rangeFor(map, start, end, root = null) {
  const first = map.find((e) => e.start <= start && start < e.end) || map.find((e) => e.end === start);
  const last = [...map].reverse().find((e) => e.start < end && end <= e.end) || map.find((e) => e.start === end);
  if ((!first || !last) && !root) return null;
  const range = document.createRange();
  if (first) range.setStart(first.node, start - first.start); else range.setStart(root, 0);
  if (last) range.setEnd(last.node, end - last.start); else range.setEnd(root, root.childNodes.length);
  return range;
}
