// The crash banner: when the Wasm app dies — a Wasm trap, which is how a Rust panic ends in the
// release build (panic = "abort" traps with `WebAssembly.RuntimeError: unreachable`), or the panic
// message Rust's panic hook logs when something swallows that trap — it shows
// "Planwright stopped unexpectedly" with a Reload button instead of a frozen page.
// Plain JS loaded before the app, with plain DOM calls: it works when the Wasm instance is dead.
'use strict';
(() => {
  const MESSAGE = 'Planwright stopped unexpectedly \u2014 your run is saved; reload to resume';

  /** Whether `error` is a Wasm trap. */
  const isTrap = (error) => typeof WebAssembly === 'object' && error instanceof WebAssembly.RuntimeError;

  /** Shows the banner once and makes the dead page behind it inert. */
  const showBanner = () => {
    if (document.querySelector('[data-testid="crash-banner"]')) return;
    const banner = document.createElement('div');
    banner.className = 'crash-banner';
    banner.setAttribute('role', 'alert');
    banner.setAttribute('data-testid', 'crash-banner');
    const text = document.createElement('p');
    text.textContent = MESSAGE;
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.textContent = 'Reload';
    reload.setAttribute('data-testid', 'crash-reload');
    reload.addEventListener('click', () => location.reload());
    banner.append(text, reload);
    const body = document.body || document.documentElement;
    for (const child of body.children) child.inert = true;
    body.prepend(banner);
    reload.focus();
  };

  addEventListener('error', (event) => { if (isTrap(event.error)) showBanner(); });
  addEventListener('unhandledrejection', (event) => { if (isTrap(event.reason)) showBanner(); });

  // Rust's panic hook (console_error_panic_hook) logs "panicked at …" before the trap.
  const logError = console.error;
  console.error = function (...args) {
    if (typeof args[0] === 'string' && args[0].startsWith('panicked at ')) showBanner();
    return logError.apply(this, args);
  };
})();
