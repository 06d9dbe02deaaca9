/** Moves the focus to the first field of `form` that says it is invalid, once React has shown why:
 *  a keyboard or screen-reader user lands on the problem instead of hunting for it. */
export function focusFirstInvalid(form: HTMLFormElement): void {
  setTimeout(() => form.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
}
