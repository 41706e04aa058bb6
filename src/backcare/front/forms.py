"""What every form page does for people on a keyboard or a screen reader."""

from __future__ import annotations

from django import forms


def focus_first_error(form: forms.BaseForm) -> None:
    """Send the focus to the first thing to fix when FORM comes back with errors.

    A page that comes back with errors otherwise starts at the top, and someone on
    a keyboard or a screen reader has to hunt for what went wrong. Errors about the
    whole form are shown first, in an alert the template focuses (``autofocus`` on it
    whenever there are any); otherwise the first field with an error gets
    ``autofocus`` (in a radio or checkbox group every box carries it, and the browser
    takes the first). Any autofocus the form had elsewhere is dropped.
    """
    if not form.errors:
        return
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    if form.non_field_errors():
        return
    first = next(name for name in form.fields if name in form.errors)
    form.fields[first].widget.attrs["autofocus"] = True
