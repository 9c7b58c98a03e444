// The console's page shell: one stylesheet inline (no assets to fetch, works offline and behind a
// proxy), the tabs, and a banner for the outcome of a retry.
import { Html, html } from "./html.js";

export const TABS = [
  { path: "/", label: "Sync health" },
  { path: "/errors", label: "Error queue" },
  { path: "/mappings", label: "Mappings" },
  { path: "/funnel", label: "Funnel" },
  { path: "/sla", label: "SLA board" },
] as const;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1c2330;background:#f5f6f8}
header{background:#1f2a3d;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header h1{font-size:16px;margin:0;font-weight:600}header nav{display:flex;gap:4px;flex-wrap:wrap}
header nav a{color:#c9d3e6;text-decoration:none;padding:6px 10px;border-radius:4px}
header nav a[aria-current=page]{background:#3a4a66;color:#fff}header .right{margin-left:auto;font-size:12px;color:#c9d3e6}
header .right a{color:#c9d3e6}
main{padding:16px 24px;max-width:1400px}h2{font-size:17px;margin:20px 0 8px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:12px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e6eb;vertical-align:top}
th{background:#eef0f4;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.02em;color:#4a5568}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0 4px}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:10px 14px;min-width:170px}
.card b{display:block;font-size:20px}.card span{color:#5b6577;font-size:12px}
.ok{color:#1d7a3a}.bad{color:#b42318}.warn{color:#a15c00}.muted{color:#6b7385}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#eef0f4}
.pill.bad{background:#fde7e5}.pill.ok{background:#e3f4e8}.pill.warn{background:#fff1d6}
.banner{padding:8px 12px;border-radius:6px;margin:8px 0}.banner.ok{background:#e3f4e8}.banner.bad{background:#fde7e5}
.banner.warn{background:#fff1d6}
button{font:inherit;padding:3px 10px;border:1px solid #3a4a66;background:#fff;border-radius:4px;cursor:pointer}
button:hover{background:#eef0f4}code{font-size:12px}tr.problem td{background:#fff6f5}
.meter{display:inline-block;width:120px;height:8px;background:#e3e6eb;border-radius:4px;vertical-align:middle;margin-right:6px}
.meter i{display:block;height:8px;border-radius:4px;background:#3a7bd5}
`;

/** Our own stylesheet, not a record's text: kept as markup. */
const STYLESHEET = new Html(STYLE);

export interface PageOptions {
  title: string;
  /** The tab the page belongs to. */
  path: string;
  /** Whether a login cookie can be dropped (a token is configured). */
  signedIn: boolean;
  now: Date;
}

export function page(options: PageOptions, body: Html): string {
  const tabs = TABS.map(
    (t) => html`<a href="${t.path}" ${options.path === t.path ? html`aria-current="page"` : ""}>${t.label}</a>`,
  );
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · leadloop</title><style>${STYLESHEET}</style></head>
<body><header><h1>leadloop ops console</h1><nav>${tabs}</nav>
<div class="right">page built ${options.now.toISOString().slice(0, 19).replace("T", " ")}Z${
    options.signedIn ? html` · <form method="post" action="/logout" style="display:inline"><button type="submit">Sign out</button></form>` : ""
  }</div></header>
<main><h2>${options.title}</h2>${body}</main></body></html>`.text}`;
}
