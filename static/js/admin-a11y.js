"use strict";
// The admin for a press officer on a keyboard or a screen reader (issue 23), on every admin
// page (templates/admin/base_site.html). Django's admin and the widgets it ships leave a few
// things unsaid; this names and places them, and does nothing else:
// - autocompletes (select2) are named by their visible label, not by their value, and so are
//   their search boxes;
// - fields without a label of their own (a tabular inline's order and delete boxes, a file
//   input in a fieldset) are named by their column or legend and their row;
// - a refused form gets a summary of its errors, linked to each field, and the focus;
//   after a save the message list is announced and gets the focus;
// - a new inline row gets the focus on its first field;
// - the body editor (CKEditor 5) is named by its label, and Tab leaves it from a table that
//   is its last block instead of adding rows, and from a link's balloon to the next field;
// - breadcrumb links that read the same are told apart.
{
    const script = document.currentScript;
    const words = JSON.parse((script && script.dataset.words) || "{}");
    const say = (key, fallback) => words[key] || fallback;

    let counter = 0;
    function idFor(element, prefix) {
        if (!element.id) {
            counter += 1;
            element.id = `${prefix || "a11y"}-${counter}`;
        }
        return element.id;
    }

    function cleanText(element) {
        // A label as it is read: without the colon the admin adds, the required star, a
        // help icon's text.
        const copy = element.cloneNode(true);
        copy.querySelectorAll(".help-tooltip, img, .visually-hidden").forEach((e) => e.remove());
        return copy.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim();
    }

    function addToDescribedBy(element, ...ids) {
        const present = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        const wanted = [...present];
        for (const id of ids) {
            if (id && !wanted.includes(id)) {
                wanted.push(id);
            }
        }
        // Only ids that exist: a reference to nothing is worse than none.
        const existing = wanted.filter((id) => document.getElementById(id));
        if (existing.join(" ") !== present.join(" ")) {
            if (existing.length) {
                element.setAttribute("aria-describedby", existing.join(" "));
            } else {
                element.removeAttribute("aria-describedby");
            }
        }
    }

    // --- Tabular inlines: a control's name from its column and its row. -----------------
    function rowName(row) {
        const original = row.querySelector("td.original p");
        if (original) {
            const text = cleanText(original);
            if (text) {
                return text;
            }
        }
        const rows = [...row.parentElement.querySelectorAll(":scope > tr.form-row:not(.empty-form)")];
        return say("row", "row %s").replace("%s", String(rows.indexOf(row) + 1));
    }

    function columnName(cell) {
        const table = cell.closest("table");
        const field = [...cell.classList].find((name) => name.startsWith("field-"));
        if (field) {
            const header = table.querySelector(`thead th.column-${field.slice(6)}`);
            if (header) {
                return cleanText(header);
            }
        }
        if (cell.classList.contains("delete")) {
            return say("delete", "Delete");
        }
        return "";
    }

    function nameTabularControls(root) {
        root.querySelectorAll(".tabular tr.form-row:not(.empty-form) td").forEach((cell) => {
            cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
                if (control.closest(".select2-container") || hasOwnName(control)) {
                    return;
                }
                const column = columnName(cell);
                if (column) {
                    control.setAttribute("aria-label", `${column}: ${rowName(cell.closest("tr"))}`);
                }
            });
        });
    }

    function hasOwnName(control) {
        if (control.dataset.a11yNamed) {
            return false; // named by us before: the row may have changed, name it again
        }
        if (control.getAttribute("aria-label") || control.getAttribute("aria-labelledby")) {
            return true;
        }
        return Boolean(control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`))
            || Boolean(control.closest("label"));
    }

    // A control in a fieldset whose only label is the legend (Django renders a file input
    // with a current file that way): named by the legend.
    function nameByLegend(root) {
        root.querySelectorAll(".form-row fieldset > legend").forEach((legend) => {
            const fieldset = legend.parentElement;
            fieldset.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
                if (control.closest(".select2-container") || hasOwnName(control)) {
                    return;
                }
                control.setAttribute("aria-labelledby", idFor(legend, "legend"));
            });
        });
    }

    // --- Autocompletes (select2). ------------------------------------------------------------
    function labelOf(select) {
        if (!select.id) {
            return null;
        }
        return document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    }

    function select2Name(select) {
        const label = labelOf(select);
        if (label && cleanText(label)) {
            return {label, text: cleanText(label)};
        }
        const cell = select.closest("td");
        if (cell) {
            const column = columnName(cell);
            if (column) {
                return {label: null, text: `${column}: ${rowName(cell.closest("tr"))}`};
            }
        }
        return null;
    }

    function containerOf(select) {
        let next = select.nextElementSibling;
        while (next && !next.classList.contains("select2")) {
            next = next.nextElementSibling;
        }
        return next;
    }

    function nameSelect2(select) {
        const container = containerOf(select);
        const name = select2Name(select);
        if (!container || !name) {
            return;
        }
        const selection = container.querySelector(".select2-selection");
        if (!selection) {
            return;
        }
        if (name.label) {
            const labelId = idFor(name.label, "label");
            if (selection.getAttribute("aria-labelledby") !== labelId) {
                selection.setAttribute("aria-labelledby", labelId);
            }
            // A click on the label opens the choice, as on any field.
            if (!name.label.dataset.a11ySelect2) {
                name.label.dataset.a11ySelect2 = "1";
                name.label.addEventListener("click", (event) => {
                    event.preventDefault();
                    selection.focus();
                });
            }
        } else if (selection.getAttribute("aria-label") !== name.text) {
            selection.removeAttribute("aria-labelledby");
            selection.setAttribute("aria-label", name.text);
        }
        // The chosen value and the field's help are its description.
        const rendered = container.querySelector(".select2-selection__rendered[id]");
        const help = (select.getAttribute("aria-describedby") || "").split(/\s+/);
        const errors = select.id ? `${select.id}_error` : "";
        addToDescribedBy(selection, rendered && rendered.id, ...help, errors);
        if (select.getAttribute("aria-invalid") === "true") {
            selection.setAttribute("aria-invalid", "true");
        }
        const search = container.querySelector(".select2-search__field");
        if (search) {
            const searchName = `${name.text}: ${say("search", "search")}`;
            if (search.getAttribute("aria-label") !== searchName) {
                search.setAttribute("aria-label", searchName);
            }
            addToDescribedBy(search, ...help);
        }
        // The "×" that clears every choice is for the mouse (Backspace does it by keyboard);
        // as a <span> in the list of choices it only confuses a screen reader.
        // The chosen value, shown in a "textbox" without a name inside the combobox: plain
        // text, read as the combobox's description.
        container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((value) => {
            value.removeAttribute("role");
            value.removeAttribute("aria-readonly");
        });
        container.querySelectorAll(".select2-selection__clear").forEach((clear) => {
            clear.setAttribute("aria-hidden", "true");
        });
        container.querySelectorAll(".select2-selection__choice__remove").forEach((remove) => {
            if (!remove.getAttribute("aria-label")) {
                const choice = remove.closest(".select2-selection__choice");
                const text = choice ? choice.getAttribute("title") || cleanText(choice).replace(/^×/, "") : "";
                remove.setAttribute("aria-label", `${say("remove", "Remove")} ${text}`.trim());
            }
        });
    }

    // The search box of an open single choice lives in a dropdown at the end of the page.
    function nameOpenDropdown() {
        document.querySelectorAll(".select2-container--open .select2-dropdown").forEach((dropdown) => {
            const results = dropdown.querySelector(".select2-results__options[id]");
            const search = dropdown.querySelector(".select2-search__field");
            if (!results || !search) {
                return;
            }
            const match = results.id.match(/^select2-(.+)-results$/);
            const select = match && document.getElementById(match[1]);
            const name = select && select2Name(select);
            if (name) {
                const searchName = `${name.text}: ${say("search", "search")}`;
                if (search.getAttribute("aria-label") !== searchName) {
                    search.setAttribute("aria-label", searchName);
                }
            }
        });
    }

    // --- The body editor (CKEditor 5). ---------------------------------------------------------
    const namedEditors = new WeakSet();
    function nameEditor(editor, textarea) {
        if (namedEditors.has(editor)) {
            return;
        }
        const label = labelOf(textarea);
        if (!label) {
            return;
        }
        namedEditors.add(editor);
        const view = editor.editing.view;
        const name = `${cleanText(label)}, ${say("editor", "rich text editor")}`;
        view.change((writer) => writer.setAttribute("aria-label", name, view.document.getRoot()));
        const help = (textarea.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        const existing = help.filter((id) => document.getElementById(id));
        if (existing.length) {
            view.change((writer) =>
                writer.setAttribute("aria-describedby", existing.join(" "), view.document.getRoot()));
        }
        label.addEventListener("click", (event) => {
            event.preventDefault();
            editor.editing.view.focus();
        });
    }

    function nameEditors() {
        const editors = window.editors || {};
        for (const [id, editor] of Object.entries(editors)) {
            const textarea = document.getElementById(id);
            if (editor && textarea) {
                nameEditor(editor, textarea);
            }
        }
    }

    function focusable(root) {
        return [...root.querySelectorAll(
            "a[href], button, input:not([type=hidden]), select, textarea, [tabindex], [contenteditable=true]",
        )].filter((element) => !element.disabled && element.tabIndex >= 0
            && element.getClientRects().length > 0
            && getComputedStyle(element).visibility !== "hidden");
    }

    // The focus to the first field after an editor, instead of where Tab would take it.
    function focusFieldAfter(whole, event) {
        const next = focusable(document.body).find((element) =>
            !whole.contains(element)
            && (whole.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING));
        if (next) {
            event.preventDefault();
            event.stopImmediatePropagation();
            next.focus();
        }
    }

    // Tab in the last cell of a table that ends the text would add a row, and again at every
    // Tab: there the focus goes on to the field after the editor (rows are added from the
    // table's toolbar, or with Tab in a table that has text after it).
    document.addEventListener("keydown", (event) => {
        if (event.key !== "Tab" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        // (A table's cell is an editable of its own, inside the editor's.)
        const editable = event.target instanceof Element
            && event.target.closest(".ck-editor__editable:not(.ck-editor__nested-editable)");
        const selection = window.getSelection();
        if (!editable || !selection || !selection.anchorNode) {
            return;
        }
        const anchor = selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement;
        const cell = anchor && anchor.closest("td, th");
        const table = cell && cell.closest("table");
        if (!table || !editable.contains(table)) {
            return;
        }
        const lastRow = table.rows[table.rows.length - 1];
        const lastCell = lastRow && lastRow.cells[lastRow.cells.length - 1];
        const blocks = [...editable.children].filter((child) => !child.matches("br, .ck-fake-selection-container, .ck-widget__type-around"));
        const lastBlock = blocks[blocks.length - 1];
        if (cell !== lastCell || !lastBlock || !lastBlock.contains(table)) {
            return;
        }
        const whole = editable.closest(".ck-editor") || editable;
        focusFieldAfter(whole, event);
    }, true);

    // With the cursor in a link, Tab from the body editor goes into the link's balloon (as
    // CKEditor 5 means it to); the balloon hangs at the end of the page, so the next Tab went
    // round the whole page from the top. From a balloon's toolbar Tab goes on to the field
    // after the editor instead.
    document.addEventListener("keydown", (event) => {
        if (event.key !== "Tab" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        const toolbar = event.target instanceof Element
            && event.target.closest(".ck-balloon-panel .ck-toolbar");
        const owner = toolbar && Object.values(window.editors || {}).find(
            (editor) => editor.ui && editor.ui.focusTracker.isFocused);
        const whole = owner && owner.ui.element;
        if (!whole) {
            return;
        }
        focusFieldAfter(whole, event);
    }, true);

    // --- The content checks' links (newsroom/content_checks.py): the editor's cursor to the
    // block a warning is about. -------------------------------------------------------------
    document.addEventListener("click", (event) => {
        const link = event.target instanceof Element && event.target.closest("a[data-body-block]");
        if (!link) {
            return;
        }
        const textarea = document.querySelector(link.getAttribute("href"));
        const editable = textarea
            && textarea.parentElement.querySelector(".ck-editor__editable:not(.ck-editor__nested-editable)");
        if (!editable) {
            return;
        }
        event.preventDefault();
        const blocks = [...editable.children].filter((child) =>
            !child.matches("br, .ck-fake-selection-container, .ck-widget__type-around"));
        const block = blocks[Number(link.dataset.bodyBlock)] || blocks[blocks.length - 1];
        editable.focus();
        if (block) {
            const range = document.createRange();
            const text = block.querySelector("td, th, li, a, figcaption") || block;
            range.selectNodeContents(text);
            range.collapse(true);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            block.scrollIntoView({block: "center"});
        }
    });

    // --- Breadcrumbs: two neighbours that read the same (the app and its one model). ------
    function distinctBreadcrumbs() {
        document.querySelectorAll(".breadcrumbs").forEach((crumbs) => {
            const links = [...crumbs.querySelectorAll("a")];
            links.forEach((link, index) => {
                const next = links[index + 1];
                if (next && cleanText(link) === cleanText(next) && link.href !== next.href
                    && !link.querySelector(".visually-hidden")) {
                    const extra = document.createElement("span");
                    extra.className = "visually-hidden";
                    extra.textContent = ` (${say("section", "section")})`;
                    link.append(extra);
                }
            });
        });
    }

    // --- Time fields: the time-zone warning Django adds is referenced once it exists. -------
    function describeTimeFields() {
        document.querySelectorAll(".timezonewarning[id]").forEach((warning) => {
            const row = warning.closest(".form-row") || warning.parentElement;
            row.querySelectorAll("input.vDateField, input.vTimeField").forEach((input) => {
                addToDescribedBy(input, warning.id);
            });
        });
        document.querySelectorAll("input.vDateField[aria-describedby], input.vTimeField[aria-describedby]")
            .forEach((input) => addToDescribedBy(input));
    }

    // --- Everything above, again whenever the page changes (new rows, select2, editors). ----
    function enhance(root) {
        nameTabularControls(root);
        nameByLegend(root);
        root.querySelectorAll("select.admin-autocomplete, select[data-autocomplete]").forEach(nameSelect2);
        nameOpenDropdown();
        nameEditors();
        describeTimeFields();
        // Django's filter icon: a label's text given as aria-label on a bare <span>.
        root.querySelectorAll(".help-tooltip.search-label-icon[aria-label]:not([role])").forEach((icon) => {
            icon.setAttribute("role", "img");
        });
    }

    let queued = false;
    const observer = new MutationObserver((mutations) => {
        if (queued) {
            return;
        }
        // Typing in the editor changes the page at every key: that is no new field.
        const relevant = mutations.some((mutation) => {
            const target = mutation.target.nodeType === 1 ? mutation.target : mutation.target.parentElement;
            return !(target && target.closest(".ck-editor__editable, .ck-body-wrapper"));
        });
        if (!relevant) {
            return;
        }
        queued = true;
        queueMicrotask(() => {
            queued = false;
            observer.disconnect();
            try {
                enhance(document);
            } finally {
                observe();
            }
        });
    });
    function observe() {
        observer.observe(document.body, {childList: true, subtree: true, attributes: true,
            attributeFilter: ["class", "aria-labelledby"]});
    }

    // --- A new inline row: the focus on its first field. --------------------------------------
    document.addEventListener("formset:added", (event) => {
        const row = event.target;
        // After select2 and the editors have made their widgets in it.
        setTimeout(() => {
            enhance(document);
            const first = focusable(row).find((element) =>
                !element.closest("td.original, td.delete, .inline-deletelink, .related-widget-wrapper-link")
                && !element.matches("a.inline-deletelink"));
            if (first) {
                first.focus();
                if (first.scrollIntoView) {
                    first.scrollIntoView({block: "center"});
                }
            }
        }, 0);
    });

    // --- After a submit: the error summary, or the messages, announced and focused. ---------
    function errorSummary() {
        const note = document.querySelector("#content .errornote");
        if (!note) {
            return null;
        }
        note.setAttribute("tabindex", "-1");
        note.setAttribute("role", "alert");
        if (!note.id) {
            note.id = "error-summary";
        }
        if (note.querySelector(".error-summary-links")) {
            return note;
        }
        const items = [];
        document.querySelectorAll("#content-main ul.errorlist").forEach((list) => {
            if (note.contains(list)) {
                return;
            }
            const row = list.closest(".form-row, tr, .fieldBox, td") || list.parentElement;
            let field = null;
            if (list.id && list.id.endsWith("_error")) {
                const fieldId = list.id.slice(0, -6);
                field = document.getElementById(fieldId) || document.getElementById(`${fieldId}_0`);
            }
            if (!field && row) {
                field = row.querySelector("input:not([type=hidden]), select, textarea");
            }
            let label = "";
            if (field) {
                const labelElement = labelOf(field) || (row && row.querySelector("legend, label"));
                label = labelElement ? cleanText(labelElement) : (field.getAttribute("aria-label") || "");
            }
            list.querySelectorAll(":scope > li").forEach((item) => {
                items.push({field, label, text: cleanText(item)});
            });
        });
        // A refusal of one part of a form (a role of the board form) names that part.
        document.querySelectorAll("#content-main .errornote").forEach((other) => {
            if (other === note || note.contains(other)) {
                return;
            }
            const part = other.closest("fieldset") || other.parentElement;
            const heading = part.querySelector("h2, legend");
            const field = part.querySelector("input:not([type=hidden]), select, textarea");
            items.push({field, label: heading ? cleanText(heading) : "", text: cleanText(other)});
        });
        if (!items.length) {
            return note;
        }
        const summary = document.createElement("ul");
        summary.className = "error-summary-links";
        for (const {field, label, text} of items) {
            const li = document.createElement("li");
            if (field) {
                const link = document.createElement("a");
                const target = targetOf(field);
                link.href = `#${idFor(target, "field")}`;
                link.textContent = label ? `${label}: ${text}` : text;
                link.addEventListener("click", (event) => {
                    event.preventDefault();
                    targetOf(field).focus();
                    targetOf(field).scrollIntoView({block: "center"});
                });
                li.append(link);
            } else {
                li.textContent = text;
            }
            summary.append(li);
        }
        note.append(summary);
        return note;
    }

    // Where a field is really typed into: an autocomplete's box, an editor's text.
    function targetOf(field) {
        if (field.matches("select.admin-autocomplete")) {
            const container = containerOf(field);
            const selection = container && container.querySelector(".select2-selection");
            if (selection) {
                return selection;
            }
        }
        if (field.matches("textarea") && window.editors && window.editors[field.id]) {
            const editable = field.parentElement.querySelector(".ck-editor__editable");
            if (editable) {
                return editable;
            }
        }
        return field;
    }

    function announceMessages() {
        const list = document.querySelector("ul.messagelist");
        if (!list) {
            return null;
        }
        // The list keeps its list role; a region around it is announced and focused.
        let region = list.parentElement;
        if (!region.classList.contains("messages-region")) {
            region = document.createElement("div");
            region.className = "messages-region";
            list.before(region);
            region.append(list);
        }
        const urgent = list.querySelector("li.error, li.warning");
        region.setAttribute("role", urgent ? "alert" : "status");
        region.setAttribute("tabindex", "-1");
        region.setAttribute("aria-label", say("messages", "Messages"));
        return region;
    }

    function init() {
        enhance(document);
        distinctBreadcrumbs();
        observe();
        const note = errorSummary();
        const messages = announceMessages();
        // The refusal first; else what the save did. (A page that opens with its first field
        // focused, an empty add form, keeps it unless a message came with it.)
        const target = note || messages;
        if (target) {
            target.focus();
        }
    }

    // Django's own scripts (select2, the editors, the date fields) start on DOMContentLoaded
    // too; these run after them.
    window.addEventListener("load", () => enhance(document));
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", () => setTimeout(init, 0));
    } else {
        setTimeout(init, 0);
    }
    // The editors tell when they are ready.
    document.querySelectorAll("textarea").forEach((textarea) => {
        if (textarea.id && window.ckeditorRegisterCallback) {
            window.ckeditorRegisterCallback(textarea.id, (editor) => nameEditor(editor, textarea));
        }
    });
}
