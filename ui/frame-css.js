// The reader frame's stylesheet, as the exact text of the <style> element inside each story's
// srcdoc. The window's CSP allows that one inline style by its SHA-256 hash (tauri.conf.json,
// style-src); src-tauri's unit test `frame_css_hash_is_in_the_csp` fails when they differ. Keep
// the text between the backticks free of backticks, `${` and non-ASCII characters.
export const FRAME_CSS = String.raw`
:root {
  color-scheme: light;
  --fg: #1f2328;
  --bg: #fbfaf7;
  --muted: #6a6f76;
  --accent: #2f6f9f;
  --rule: #dedad0;
  --code-bg: #efece4;
  --hl-yellow: #fbe88c;
  --hl-green: #cdeac4;
  --hl-blue: #d3e4f7;
  --hl-pink: #f8d3e3;
}
@media (prefers-color-scheme: dark) {
  :root:not(.theme-light) {
    color-scheme: dark;
    --fg: #e6e3dc;
    --bg: #1c1d1f;
    --muted: #9a9da3;
    --accent: #8dbde0;
    --rule: #34363a;
    --code-bg: #26282b;
    --hl-yellow: #4d4108;
    --hl-green: #21402a;
    --hl-blue: #1d3a57;
    --hl-pink: #4f2238;
  }
}
:root.theme-dark {
  color-scheme: dark;
  --fg: #e6e3dc;
  --bg: #1c1d1f;
  --muted: #9a9da3;
  --accent: #8dbde0;
  --rule: #34363a;
  --code-bg: #26282b;
  --hl-yellow: #4d4108;
  --hl-green: #21402a;
  --hl-blue: #1d3a57;
  --hl-pink: #4f2238;
}
html { background: var(--bg); color: var(--fg); }
body {
  box-sizing: border-box;
  max-width: 40em;
  margin: 0 auto;
  padding: 28px 32px 96px;
  font: 19px/1.6 Charter, "Bitstream Charter", "Noto Serif", "Source Serif Pro", Georgia, serif;
  font-kerning: normal;
  text-rendering: optimizeLegibility;
  overflow-wrap: break-word;
  hyphens: auto;
}
.story-head { margin: 0 0 1.6em; padding-bottom: 1em; border-bottom: 1px solid var(--rule); }
.story-source {
  margin: 0 0 0.6em;
  font: 600 12px/1.4 system-ui, "Noto Sans", sans-serif;
  letter-spacing: 0.08em;
  text-transform: uppercase;
  color: var(--accent);
}
h1.story-title { font-size: 1.6em; line-height: 1.22; margin: 0 0 0.45em; font-weight: 700; }
.story-byline { margin: 0; font: 14px/1.5 system-ui, "Noto Sans", sans-serif; color: var(--muted); }
h1, h2, h3, h4 { line-height: 1.3; }
h2 { font-size: 1.35em; margin: 1.6em 0 0.5em; }
h3 { font-size: 1.15em; margin: 1.4em 0 0.4em; }
p, ul, ol, blockquote, pre, figure, table { margin: 0 0 1em; }
a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: 2px; }
/* A link to embedded media holds no text, only its title ("Video: media.example"), or a
   video's poster, under which the title is written. */
a[href][title]:empty::after { content: attr(title); }
a[href][title^="Video: "]:has(> img:only-child) { display: inline-block; }
a[href][title^="Video: "]:has(> img:only-child)::after { content: attr(title); display: block; }
img, video, svg { max-width: 100%; height: auto; }
/* Stored bodies name images by the offline scheme; a web address left over would not load. */
img[src^="http:"], img[src^="https:"] { display: none; }
figure { margin-left: 0; margin-right: 0; }
figcaption { font: 14px/1.45 system-ui, "Noto Sans", sans-serif; color: var(--muted); margin-top: 0.4em; }
blockquote { margin-left: 0; padding-left: 1em; border-left: 3px solid var(--rule); color: var(--muted); }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; }
pre { background: var(--code-bg); padding: 0.8em 1em; overflow-x: auto; border-radius: 6px; line-height: 1.45; }
:not(pre) > code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 4px; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
td, th { border: 1px solid var(--rule); padding: 0.3em 0.6em; }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2em 0; }
[dir="rtl"] blockquote { padding-left: 0; padding-right: 1em; border-left: 0; border-right: 3px solid var(--rule); }
:lang(zh), :lang(ja) { line-height: 1.8; hyphens: manual; }
:lang(zh) body, :lang(ja) body { font-family: "Noto Serif CJK SC", "Noto Serif CJK JP", "Source Han Serif", serif; }
:lang(ar) body, :lang(fa) body { font-family: "Noto Naskh Arabic", "Amiri", "Noto Serif", serif; line-height: 1.8; }
:root.size-1 body { font-size: 15px; }
:root.size-2 body { font-size: 17px; }
:root.size-4 body { font-size: 21px; }
:root.size-5 body { font-size: 24px; }
:root.font-sans body { font-family: system-ui, "Noto Sans", "DejaVu Sans", sans-serif; }
.story-lead { margin: 0 0 1.4em; }
.story-lead img { display: block; margin: 0 auto; border-radius: 4px; }
/* Highlights (marked from the window): the text keeps the body's colour, for contrast. */
mark.hl { color: var(--fg); background: var(--hl-yellow); border-radius: 2px; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
mark.hl a, a mark.hl { color: var(--fg); }
mark.hl-green { background: var(--hl-green); }
mark.hl-blue { background: var(--hl-blue); }
mark.hl-pink { background: var(--hl-pink); }
mark.hl-at { outline: 2px solid var(--accent); outline-offset: 1px; }
`;
