// The staff sign-in form, one for every staff page (agent desktop, admin, supervisor): built into the page's
// login view and wired to POST /api/v2/auth/login.
//   test ids: login-email, login-password, login-submit

import { el } from './dom.js';
import { login } from './staff-session.js';

/**
 * @param {HTMLElement} view the page's login view (its contents are replaced by the form)
 * @param {{product: string, title: string, demo?: Array<[string, string, string?]>,
 *          banner: {show: Function, hide: Function}, onSignedIn: (session: object) => void}} page
 *   `product` the page's name beside ShowDesk, `title` what signing in is for, `demo` the demo accounts
 *   the hint names ([email, password, what for])
 * @returns {{focus: () => void}}
 */
export function loginForm(view, { product, title, demo = [], banner, onSignedIn }) {
  const email = el('input', { class: 'input', id: 'login-email', testid: 'login-email', type: 'email',
                              autocomplete: 'username', required: true });
  const password = el('input', { class: 'input', id: 'login-password', testid: 'login-password',
                                 type: 'password', autocomplete: 'current-password', required: true });
  const submit = el('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'login-submit' },
    'Sign in');
  const form = el('form', { class: 'login-card card', id: 'login-form', novalidate: true },
    el('div', { class: 'brand brand--large' },
      el('img', { src: '/static/favicon.svg', alt: '', width: 36, height: 36 }),
      el('span', {}, 'ShowDesk ', el('small', { text: product }))),
    el('h1', { class: 'login-card__title', text: title }),
    field('Email', email),
    field('Password', password),
    submit,
    demo.length ? el('p', { class: 'login-card__hint' }, 'Demo: ', demoAccounts(demo)) : null);
  view.replaceChildren(form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!email.value.trim() || !password.value) {
      banner.show('Enter your email and password.');
      return;
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    banner.hide();
    try {
      const session = await login(email.value.trim(), password.value);
      password.value = '';
      onSignedIn(session);
    } catch (error) {
      const refused = error.status === 401 && error.code === 'http_401';
      banner.show(refused ? { code: 'invalid_credentials', message: error.message } : error);
      password.select();
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  });

  return { focus: () => (email.value ? password : email).focus() };
}

function field(label, input) {
  return el('div', { class: 'field' }, el('label', { htmlFor: input.id, text: label }), input);
}

/** "admin@demo.local / admin, or architect@demo.local / architect for flows" */
function demoAccounts(accounts) {
  return accounts.map(([email, password, purpose], i) => [
    i ? ', or ' : '',
    el('code', { text: email }), ' / ', el('code', { text: password }),
    purpose ? ` ${purpose}` : '',
  ]);
}
