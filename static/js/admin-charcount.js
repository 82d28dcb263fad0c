"use strict";
// A character counter under inputs marked data-charcount-limit. The limit is checked by the
// form on save (an error, never a silent cut); this only shows it while typing.
{
    function attach(input) {
        const limit = Number(input.dataset.charcountLimit);
        const counter = document.createElement("div");
        counter.className = "help charcount";
        counter.id = input.id + "_charcount";
        counter.setAttribute("aria-live", "polite");
        input.insertAdjacentElement("afterend", counter);
        const described = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

        function update() {
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
        }
        input.addEventListener("input", update);
        update();
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
