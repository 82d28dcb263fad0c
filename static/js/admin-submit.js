// Clicking Save while one of CKEditor's menus is open (the table's "Row" menu, say): CKEditor
// closes the menu on mousedown and puts the focus back in the editor, the page jumps up there
// and the click never reaches the button - nothing is saved and nothing is said. The buttons of
// the submit row keep their mousedown to themselves, so the first click saves.
window.addEventListener(
  "mousedown",
  (event) => {
    if (event.target instanceof Element && event.target.closest(".submit-row")) {
      event.stopPropagation();
    }
  },
  true,
);
