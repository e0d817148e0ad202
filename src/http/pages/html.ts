/** Escapes text for HTML element content and quoted attribute values. Every dynamic value goes through it. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type Lang = 'th' | 'en';

export function pickLang(query: unknown): Lang {
  return (query as { lang?: string } | undefined)?.lang === 'en' ? 'en' : 'th';
}

/** The page frame shared by public pages: Thai first, a language switch that works without JavaScript. */
export function layout(opts: { lang: Lang; title: string; body: string; switchHref: string; script?: string }): string {
  const other = opts.lang === 'th' ? 'English' : 'ภาษาไทย';
  return `<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(opts.title)}</title>
<style>
  :root { color-scheme: light; }
  [hidden] { display: none !important; }
  body { font-family: "Sarabun", "Laksaman", "Noto Sans Thai", system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; line-height: 1.6; font-size: 18px; }
  header { background: #0b3d91; color: #fff; padding: 0.75rem 1.25rem; display: flex; justify-content: space-between; align-items: center; }
  header a { color: #fff; }
  main { max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
  .card { background: #fff; border-radius: 8px; padding: 1.25rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  .verdict { display: flex; gap: .75rem; align-items: center; font-size: 1.5rem; font-weight: 700; padding: .75rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
  .verdict.ok { background: #e6f4ea; color: #0d5223; border: 2px solid #137333; }
  .verdict.warn { background: #fef7e0; color: #6b4e00; border: 2px solid #b06000; }
  .verdict.bad { background: #fce8e6; color: #8a1c12; border: 2px solid #c5221f; }
  .verdict.specimen { border-style: dashed; border-width: 3px; background: repeating-linear-gradient(135deg, #fef7e0, #fef7e0 12px, #fdeec4 12px, #fdeec4 24px); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0; }
  dt { font-weight: 600; color: #3c4043; }
  dd { margin: 0; }
  a:focus, button:focus { outline: 3px solid #f9ab00; outline-offset: 2px; }
  .muted { color: #4d5156; font-size: .95rem; }
  .actions { margin-top: 1rem; display: flex; gap: .75rem; flex-wrap: wrap; }
  .button { display: inline-block; background: #0b3d91; color: #fff; padding: .5rem 1rem; border-radius: 6px; text-decoration: none; border: 0; font: inherit; cursor: pointer; }
  .button.secondary { background: #fff; color: #0b3d91; border: 2px solid #0b3d91; }
  input[type=text], input[type=search] { font: inherit; padding: .4rem .6rem; border: 2px solid #5f6368; border-radius: 6px; min-width: 16rem; max-width: 100%; }
  input:focus, summary:focus, [tabindex]:focus { outline: 3px solid #f9ab00; outline-offset: 2px; }
  .drop { border: 3px dashed #5f6368; border-radius: 8px; padding: 1.5rem; text-align: center; background: #fafbfc; }
  .drop.dragging { border-color: #0b3d91; background: #e8f0fe; }
  .drop label { display: block; font-weight: 600; margin-bottom: .5rem; }
  .verdict.big { font-size: 1.75rem; }
  .verdict .icon { font-size: 2.5rem; line-height: 1; }
  .verdict-word { display: block; }
  .verdict-summary { display: block; font-size: 1rem; font-weight: 400; }
  .notice.warn { background: #fef7e0; border-left: 4px solid #b06000; padding: .5rem .75rem; }
  table.fields { border-collapse: collapse; width: 100%; margin: 1rem 0 .25rem; }
  table.fields caption { text-align: left; font-weight: 700; font-size: 1.1rem; padding-bottom: .25rem; }
  table.fields th, table.fields td { border-bottom: 1px solid #dadce0; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  table.fields th { font-weight: 600; color: #3c4043; width: 40%; }
  ul.checks { list-style: none; padding: 0; }
  li.check { padding: .2rem 0; }
  li.check.failed { color: #8a1c12; }
  li.check.warning { color: #6b4e00; }
  .check-id { margin-left: .5rem; color: #5f6368; font-size: .8rem; }
  .detail { color: #4d5156; }
  code.wrap { word-break: break-all; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  video { max-width: 100%; border-radius: 6px; margin-top: .5rem; }
  section + section { margin-top: 1.5rem; }
  details { margin-top: 1rem; }
  summary { cursor: pointer; font-weight: 600; }
</style>
</head>
<body>
<header><strong>ekasarn · เอกสาร</strong><a href="${esc(opts.switchHref)}" lang="${opts.lang === 'th' ? 'en' : 'th'}">${other}</a></header>
<main>
${opts.body}
</main>
${opts.script ? `<script src="${esc(opts.script)}" defer></script>` : ''}
</body>
</html>`;
}
