// The field a page focuses by itself (autofocus: the first answer to fix when a
// form comes back with errors, see front/forms.py) is brought into view. The
// browser gives it the focus but does not scroll to it, so a field further down
// the page would hold the keyboard out of sight.

const field = document.querySelector("[autofocus]");
if (field) {
  const box = field.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) {
    field.scrollIntoView({ block: "center" });
  }
}
