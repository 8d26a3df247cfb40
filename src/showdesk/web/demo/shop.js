// The demo shop's own behaviour: a cart counter, nothing is really sold. The chat is the drop-in widget
// (/sdk/widget.js); its buttons here carry data-showdesk-open.

const count = document.getElementById('cart-count');
let items = 0;
for (const button of document.querySelectorAll('[data-add-to-cart]')) {
  button.addEventListener('click', () => {
    items += 1;
    count.textContent = String(items);
    count.parentElement.setAttribute('aria-label', `Cart, ${items} item${items === 1 ? '' : 's'}`);
    button.textContent = 'Added ✓';
    setTimeout(() => { button.textContent = 'Add to cart'; }, 1500);
  });
}

// The widget's chat, for trying the SDK from the browser console.
const widget = document.querySelector('showdesk-widget');
if (widget?.chat) window.showdeskDemoChat = widget.chat;
else document.addEventListener('showdesk:widget', (event) => { window.showdeskDemoChat = event.detail.chat; }, { once: true });
