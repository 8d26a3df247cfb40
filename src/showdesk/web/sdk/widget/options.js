// The widget's options, read from its <script> tag's data- attributes.

/**
 * `data-organization`, `data-deployment` (required); `data-color` (the accent, any CSS colour), `data-title`,
 * `data-logo` (an image URL), `data-position` (right | left), `data-launcher-text`, `data-locale`,
 * `data-handoff` (a hand-off code: continue that chat here), `data-layout` (floating | fullscreen),
 * `data-servers` (more nodes of the same ShowDesk, comma-separated, tried when the first cannot be reached).
 */
export function readOptions(script) {
  const data = script.dataset;
  const server = new URL(script.src).origin;
  const color = (data.color ?? '').trim();
  return Object.freeze({
    server,
    organizationId: (data.organization ?? '').trim(),
    deploymentId: (data.deployment ?? '').trim(),
    color: color && globalThis.CSS?.supports?.('color', color) ? color : null,
    title: (data.title ?? '').trim() || null,
    logo: safeImageUrl(data.logo, document.baseURI), // relative to the site's page
    position: data.position === 'left' ? 'left' : 'right',
    launcherText: (data.launcherText ?? '').trim() || null,
    locale: (data.locale ?? '').trim() || null,
    handoff: (data.handoff ?? '').trim() || null,
    layout: data.layout === 'fullscreen' ? 'fullscreen' : 'floating',
    servers: (data.servers ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  });
}

/** An http(s) or data:image URL for the logo; anything else (javascript:, ...) is dropped. */
function safeImageUrl(value, base) {
  if (!value) return null;
  try {
    const url = new URL(value.trim(), base);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    if (url.protocol === 'data:' && /^data:image\//i.test(url.href)) return url.href;
  } catch {
    // not a URL: no logo
  }
  return null;
}
