// "Change password" on every staff page (agent desktop, admin, supervisor): a dialog asking for the current
// password and a new one (POST /api/v2/auth/password). Every earlier token ends with the change, so the
// answer's fresh token becomes the session and the page goes on with it (onChanged).
//   test ids: change-password (the button), current-password, new-password, change-password-submit,
//   change-password-error, change-password-done

import { el } from './dom.js';
import { changePassword } from './staff-session.js';
import { describeError } from './error-text.js';

const MIN_LENGTH = 12; // the server's rule (domain/passwords.py); it says so too
let pending = false;

/** Whether a change is on its way: a 401 or a closed socket meanwhile is the change ending the old token,
 *  not a reason to sign out. */
export function passwordChangePending() {
  return pending;
}

/**
 * @param {HTMLButtonElement} button the page's "Change password" button
 * @param {{token: () => string|null, onChanged: (session: object) => void, onSignedOut: (error: Error) => void}} page
 */
export function wireChangePassword(button, { token, onChanged, onSignedOut }) {
  const parts = build();
  document.body.append(parts.dialog);
  button.setAttribute('aria-haspopup', 'dialog');
  button.addEventListener('click', () => open(parts));
  parts.cancel.addEventListener('click', () => parts.dialog.close());
  parts.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const current = parts.current.value;
    const next = parts.next.value;
    if (!current) return fail(parts, 'Type your current password.', parts.current);
    if (next.length < MIN_LENGTH) {
      const words = `The new password needs at least ${MIN_LENGTH} characters (it has ${next.length}).`;
      return fail(parts, words, parts.next);
    }
    busy(parts, true);
    pending = true;
    try {
      const session = await changePassword(token(), current, next);
      onChanged(session);
      done(parts);
    } catch (error) {
      if (error.status === 401) {
        parts.dialog.close();
        onSignedOut(error);
      } else {
        const wrong = error.code === 'wrong_password';
        const words = wrong ? 'That is not your current password.' : describeError(error).title;
        fail(parts, words, wrong ? parts.current : parts.next);
      }
    } finally {
      pending = false;
      busy(parts, false);
    }
    return undefined;
  });
}

function build() {
  const field = (id, label, input, ...more) => el('div', { class: 'field' },
    el('label', { for: id }, label),
    el('input', { class: 'input', id, testid: id, type: 'password', required: true, maxlength: '200', ...input }),
    ...more);
  const parts = {
    hint: el('p', { class: 'password-dialog__hint' }, 'You stay signed in here; everywhere else you are signed out.'),
    fields: [
      field('current-password', 'Current password', { autocomplete: 'current-password' }),
      field('new-password', 'New password',
        { autocomplete: 'new-password', minlength: String(MIN_LENGTH), 'aria-describedby': 'new-password-help' },
        el('p', { class: 'password-dialog__hint', id: 'new-password-help' },
          `At least ${MIN_LENGTH} characters; a few unrelated words make one that is easy to remember.`)),
    ],
    error: el('p',
      { class: 'password-dialog__error', testid: 'change-password-error', role: 'alert', hidden: true }),
    done: el('p', { class: 'password-dialog__done', testid: 'change-password-done', role: 'status', hidden: true },
      'Your password is changed. Use it the next time you sign in.'),
    cancel: el('button', { class: 'btn btn-secondary', type: 'button' }, 'Cancel'),
    submit: el('button', { class: 'btn btn-primary', type: 'submit', testid: 'change-password-submit' },
      'Change password'),
  };
  parts.form = el('form', { class: 'password-dialog__form', novalidate: true },
    el('h2', { id: 'password-dialog-title' }, 'Change your password'), parts.hint, ...parts.fields, parts.error,
    parts.done, el('div', { class: 'password-dialog__actions' }, parts.cancel, parts.submit));
  parts.dialog = el('dialog',
    { class: 'password-dialog card', 'aria-labelledby': 'password-dialog-title' }, parts.form);
  parts.current = parts.form.querySelector('#current-password');
  parts.next = parts.form.querySelector('#new-password');
  return parts;
}

function open(parts) {
  parts.form.reset();
  for (const field of parts.fields) field.hidden = false;
  parts.hint.hidden = false;
  parts.error.hidden = true;
  parts.done.hidden = true;
  parts.submit.hidden = false;
  parts.cancel.textContent = 'Cancel';
  parts.current.removeAttribute('aria-invalid');
  parts.next.removeAttribute('aria-invalid');
  parts.dialog.showModal();
  parts.current.focus();
}

function fail(parts, words, field) {
  parts.error.textContent = words;
  parts.error.hidden = false;
  for (const input of [parts.current, parts.next]) {
    if (input === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  field.focus();
  field.select();
}

function done(parts) {
  parts.form.reset();
  for (const field of parts.fields) field.hidden = true;
  parts.hint.hidden = true;
  parts.error.hidden = true;
  parts.done.hidden = false;
  parts.submit.hidden = true;
  parts.cancel.textContent = 'Close';
  parts.cancel.focus();
}

function busy(parts, on) {
  parts.submit.disabled = on;
  if (on) parts.submit.setAttribute('aria-busy', 'true');
  else parts.submit.removeAttribute('aria-busy');
}
