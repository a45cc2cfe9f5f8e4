/**
 * The stylesheet of the docs page, served as `{prefix}/docs/docs.css`: system fonts only, light
 * and dark by the reader's preference, nothing fetched from elsewhere.
 *
 * @example
 * ```ts
 * ({ status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: docsCss });
 * ```
 */
export const docsCss = `:root {
  color-scheme: light dark;
  --text: #1f2328;
  --muted: #59636e;
  --background: #ffffff;
  --panel: #f6f8fa;
  --border: #d1d9e0;
  --link: #0550ae;
  --get: #1a7f37;
  --post: #0550ae;
  --put: #9a6700;
  --delete: #cf222e;
  --error: #cf222e;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6edf3;
    --muted: #9198a1;
    --background: #0d1117;
    --panel: #151b23;
    --border: #3d444d;
    --link: #4493f8;
    --get: #3fb950;
    --post: #4493f8;
    --put: #d29922;
    --delete: #f85149;
    --error: #f85149;
  }
}
* { box-sizing: border-box; }
html { scroll-padding-top: 1rem; }
body {
  margin: 0;
  display: grid;
  grid-template-columns: minmax(14rem, 20rem) minmax(0, 1fr);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text);
  background: var(--background);
}
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: var(--panel); border-radius: 4px; padding: 0.1em 0.3em; }
pre { background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 0.8rem 1rem; overflow-x: auto; }
pre code { background: none; padding: 0; }
.toc {
  position: sticky;
  top: 0;
  height: 100vh;
  overflow-y: auto;
  padding: 1.2rem 1rem;
  border-right: 1px solid var(--border);
  background: var(--panel);
  font-size: 0.9em;
}
.toc ul { list-style: none; margin: 0 0 0.8rem; padding: 0; }
.toc li { margin: 0.15rem 0; }
.toc-title { font-weight: 600; font-size: 1.05em; }
.toc-tag { font-weight: 600; margin: 0.8rem 0 0.3rem; }
.toc .method { min-width: 3.4em; font-size: 0.7em; }
main { padding: 1.5rem 2.5rem 4rem; max-width: 64rem; }
h1 { margin: 0 0 0.3rem; font-size: 1.9rem; }
h2 { margin-top: 2.5rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--border); }
h3 { margin: 0 0 0.4rem; font-size: 1.1rem; }
h4 { margin: 1.2rem 0 0.4rem; }
h5 { margin: 0.8rem 0 0.3rem; font-size: 0.95rem; }
.meta, .media, .headers { color: var(--muted); }
.operation { margin: 1.5rem 0; padding: 1.2rem 1.4rem; border: 1px solid var(--border); border-radius: 8px; }
.summary { font-size: 1.05rem; margin: 0.2rem 0 0.6rem; }
.path { font-size: 1em; background: none; padding: 0; }
.method {
  display: inline-block;
  min-width: 4.2em;
  padding: 0.15em 0.5em;
  border-radius: 4px;
  color: #ffffff;
  font: 700 0.8em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  text-align: center;
  vertical-align: middle;
}
.method-get { background: var(--get); }
.method-post { background: var(--post); }
.method-put { background: var(--put); }
.method-delete { background: var(--delete); }
.status { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.status-error { color: var(--error); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.4rem 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 0.4rem 0 0.8rem; font-size: 0.92em; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--border); }
th { color: var(--muted); font-weight: 600; }
td:first-child code { white-space: nowrap; }
.parent { color: var(--muted); }
@media (max-width: 50rem) {
  body { display: block; }
  .toc { position: static; height: auto; border-right: none; border-bottom: 1px solid var(--border); }
  main { padding: 1rem; }
}
`;
