// Automatic events: outbound link clicks, file downloads and form submissions. The caller sends
// them at once (not after the batching delay) because a click or a submit usually unloads the page.

export const watchClicks = (downloads, emit) => {
  const onClick = (ev) => {
    const a = ev.target.closest('a[href]');
    // auxclick: only the middle button opens the link (in a new tab)
    if (!a || (ev.type == 'auxclick' && ev.button != 1) || !/^https?:$/.test(a.protocol)) return;
    if (a.hasAttribute('download') || downloads.test(a.pathname)) emit('file_download', { url: a.href });
    else if (a.host != location.host) emit('outbound_click', { url: a.href });
  };
  addEventListener('click', onClick, true);
  addEventListener('auxclick', onClick, true);
};

export const watchForms = (emit) =>
  addEventListener('submit', ({ target: f }) =>
    // getAttribute: `form.name` would be an <input name="name"> of the form, not its name
    emit('form_submit', { form: f.id || f.getAttribute('name') || f.getAttribute('action') || '' }),
  );
