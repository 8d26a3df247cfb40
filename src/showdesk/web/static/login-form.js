// Wires a staff sign-in form (login-email, login-password, login-submit) to POST /api/v2/auth/login.

import { login } from './staff-session.js';

export function wireLoginForm(form, { banner, onSignedIn }) {
  const email = form.querySelector('[data-testid="login-email"]');
  const password = form.querySelector('[data-testid="login-password"]');
  const submit = form.querySelector('[data-testid="login-submit"]');

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
