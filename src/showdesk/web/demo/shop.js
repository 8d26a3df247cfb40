// The demo shop's own behaviour: a cart counter, nothing is really sold.

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
