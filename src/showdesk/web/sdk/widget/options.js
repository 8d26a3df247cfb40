// The widget's options, read from its <script> tag's data- attributes.

/**
 * `data-organization`, `data-deployment` (required); `data-color` (the accent, any CSS colour), `data-title`,
 * `data-logo` (an image URL), `data-position` (right | left), `data-launcher-text`, `data-locale`,
 * `data-handoff` (a hand-off code: continue that chat here), `data-layout` (floating | fullscreen),
 * `data-servers` (more nodes of the same ShowDesk, comma-separated, tried when the first cannot be reached);
 * what the site knows of its customer, as createChat's `customer`, `attributes` and `customerSignature`:
 * `data-customer-name`, `data-customer-email`, `data-customer-id`, `data-customer-signature` and
 * `data-attributes` (a JSON object of names and texts; anything else is left out, with a console warning).
 * The name also fills in the name field, which the customer may change.
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
    customer: customerBlock(data),
    attributes: attributesFrom(data.attributes),
    customerSignature: (data.customerSignature ?? '').trim() || null,
  });
}

/** `data-customer-name`, `-email`, `-id` as createChat's `customer` (null when the tag has none of them). */
function customerBlock(data) {
  const block = {};
  for (const [key, value] of [['name', data.customerName], ['email', data.customerEmail], ['id', data.customerId]]) {
    if (value?.trim()) block[key] = value.trim();
  }
  return Object.keys(block).length ? block : null;
}

/** `data-attributes`, a JSON object; its texts and numbers are kept as texts, anything else is dropped. */
function attributesFrom(json) {
  if (!json?.trim()) return null;
  let parsed = null;
  try {
    parsed = JSON.parse(json);
  } catch {
    // reported below
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    console.warn('ShowDesk widget: data-attributes must be a JSON object; it was left out');
    return null;
  }
  const kept = Object.entries(parsed).filter(([, value]) => typeof value === 'string' || typeof value === 'number');
  return kept.length ? Object.fromEntries(kept.map(([key, value]) => [key, String(value)])) : null;
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
