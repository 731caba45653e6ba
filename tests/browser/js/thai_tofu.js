// Body of a function run by WebDriver. Returns a sentence for each font that draws Thai
// as boxes (tofu).
// Tofu: a font without Thai draws every Thai letter as the same missing-glyph box, as wide
// as the box drawn for a code point no font has (U+0E7F is unassigned). Each font used for
// Thai on the page is measured where it is used.
const THAI = /[\u0E01-\u0E5B]/;
const LETTERS = ['ก', 'ม', 'ว', 'ฒ', 'ส'];
const NOTDEF = '\u0E7F';
const byFont = new Map();
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!el || !THAI.test(n.textContent) || el.closest('svg, script, style, option')) continue;
  const st = getComputedStyle(el);
  if (st.display === 'none') continue;
  const key = `${st.fontStyle} ${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
  if (!byFont.has(key)) byFont.set(key, el);
}
const problems = [];
for (const [font, el] of byFont) {
  const width = s => {
    const span = document.createElement('span');
    span.textContent = s;
    span.style.whiteSpace = 'pre';
    span.style.position = 'absolute';
    span.style.visibility = 'hidden';
    el.appendChild(span);
    const w = span.getBoundingClientRect().width;
    span.remove();
    return w;
  };
  const box = width(NOTDEF);
  const widths = LETTERS.map(width);
  if (widths.every(w => Math.abs(w - box) < 0.05)) {
    problems.push(`Thai in ${font} is drawn as boxes (tofu): every letter ${box.toFixed(1)}px, as wide as a missing glyph`);
  }
}
if (!byFont.size) problems.push('no Thai text on the page');
return problems;
