// Body of a function run by WebDriver (arguments[0]: the smallest text size, px).
// Returns the layout faults a reader would meet, one sentence each.
const MIN = arguments[0];
const problems = [];
const vw = document.documentElement.clientWidth;
const name = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  const cls = typeof el.className === 'string' ? el.className.trim() : '';
  if (cls) s += '.' + cls.split(/\s+/).join('.');
  const words = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return words ? `${s} "${words}"` : s;
};
const shown = el => {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const st = getComputedStyle(e);
    if (st.display === 'none' || st.visibility === 'hidden') return false;
    if (e.tagName === 'DETAILS' && !e.open && e !== el && !(el.closest('summary'))) return false;
  }
  return true;
};
if (document.documentElement.scrollWidth > vw + 1) {
  problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${vw}px window`);
}
const SKIP = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'SCRIPT', 'STYLE', 'HEAD',
                      'TITLE', 'META', 'LINK', 'BR']);
for (const el of document.body.querySelectorAll('*')) {
  if (SKIP.has(el.tagName) || el instanceof SVGElement || !shown(el)) continue;
  const st = getComputedStyle(el);
  const inline = st.display === 'inline' || st.display === 'contents';
  if (!inline && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
    problems.push(`${name(el)}: content ${el.scrollWidth}px wide in a ${el.clientWidth}px box`);
  }
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) {
    problems.push(`${name(el)} runs off the window (${Math.round(r.left)}..${Math.round(r.right)}px of ${vw}px)`);
  }
}
// Text too small to read.
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const small = new Set();
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!n.textContent.trim() || !el || el.closest('svg') || !shown(el)) continue;
  if (['SCRIPT', 'STYLE', 'OPTION'].includes(el.tagName)) continue;
  const px = parseFloat(getComputedStyle(el).fontSize);
  if (px < MIN && !small.has(el)) {
    small.add(el);
    problems.push(`${name(el)}: text ${px.toFixed(1)}px, under ${MIN}px`);
  }
}
for (const t of document.querySelectorAll('svg text')) {
  if (!shown(t)) continue;
  const svg = t.ownerSVGElement;
  const m = t.getScreenCTM();
  const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
  if (px < MIN - 0.05) problems.push(`svg text "${t.textContent.slice(0, 40)}": drawn ${px.toFixed(1)}px, under ${MIN}px`);
  const tr = t.getBoundingClientRect(), sr = svg.getBoundingClientRect();
  if (tr.left < sr.left - 1 || tr.right > sr.right + 1) {
    problems.push(`svg text "${t.textContent.slice(0, 40)}" is cut by the edge of its chart`);
  }
}
// Table headers that break one word a line.
const segmenter = new Intl.Segmenter('th', {granularity: 'word'});
for (const th of document.querySelectorAll('th')) {
  if (!shown(th) || !th.textContent.trim()) continue;
  const words = [...segmenter.segment(th.textContent)].filter(s => s.isWordLike).length;
  const range = document.createRange();
  range.selectNodeContents(th);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                       .map(r => Math.round(r.top)));
  const lines = tops.size;
  if (lines >= 3 && lines * 2 > words + 1) {
    problems.push(`${name(th)}: ${words} words on ${lines} lines (one word a line)`);
  }
}
return problems;
