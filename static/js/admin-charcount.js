"use strict";
// A character counter under inputs marked data-charcount-limit. The limit is checked by the
// form on save (an error, never a silent cut); this only shows it while typing.
// The counter is part of the field's description (heard when the field gets the focus); a
// screen reader is told while typing only when it matters: 30 characters before the limit,
// past the limit, and back under it - not at every key (issue 23).
{
    const NEAR = 30;

    function attach(input) {
        const limit = Number(input.dataset.charcountLimit);
        const counter = document.createElement("div");
        counter.className = "help charcount";
        counter.id = input.id + "_charcount";
        input.insertAdjacentElement("afterend", counter);
        const announcer = document.createElement("div");
        announcer.className = "visually-hidden";
        announcer.id = input.id + "_charcount_live";
        announcer.setAttribute("aria-live", "polite");
        counter.insertAdjacentElement("afterend", announcer);
        const described = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

        function stage(count) {
            if (count > limit) {
                return "over";
            }
            return count > limit - NEAR ? "near" : "under";
        }
        let shown = stage([...input.value].length);

        function update(announce) {
            const count = [...input.value].length;
            const over = count > limit;
            const template = over ? input.dataset.charcountOver : input.dataset.charcountText;
            counter.textContent = template
                .replace("%(count)s", String(count))
                .replace("%(limit)s", String(limit))
                .replace("%(over)s", String(count - limit));
            counter.classList.toggle("charcount-over", over);
            counter.style.color = over ? "var(--error-fg, #ba2121)" : "";
            counter.style.fontWeight = over ? "bold" : "";
            const now = stage(count);
            if (announce && now !== shown) {
                // Near the limit, over it, or back under it after being near or over.
                announcer.textContent = now === "under" && shown === "near" ? "" : counter.textContent;
            }
            shown = now;
        }
        input.addEventListener("input", () => update(true));
        update(false);
    }

    function init() {
        document.querySelectorAll("[data-charcount-limit]").forEach(attach);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
